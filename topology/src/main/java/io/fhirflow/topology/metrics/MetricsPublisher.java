package io.fhirflow.topology.metrics;

import java.util.List;
import java.util.function.Consumer;

/** Where the metrics branch hands its batches of absolute values. */
@FunctionalInterface
public interface MetricsPublisher {

  /**
   * Accepts a batch for writing. Must never block the stream thread nor throw. {@code written} is
   * called exactly once, on any thread: {@code true} once every value of the batch is in the
   * target, {@code false} when the batch was dropped (the target slow or down, the queue full) or
   * failed. The metrics branch keeps every value it has not seen written in a changelogged store
   * and offers it again, so a fault never loses a value, whatever process ends up owning the task.
   */
  void publish(List<RedisWrite> batch, Consumer<Boolean> written);

  /**
   * Grows by one each time the target is found to have lost values it had taken (its data gone:
   * FLUSHALL, a restart without persistence, a failover to an empty replica) and is writable again:
   * the metrics branch then rewrites its whole state.
   */
  default long lossGeneration() {
    return 0;
  }

  /**
   * Whether a batch offered now would be queued and is likely to be written: values waiting for a
   * retry or a rewrite are offered only then, so an outage does not turn into a busy loop.
   */
  default boolean hasRoom() {
    return true;
  }
}
