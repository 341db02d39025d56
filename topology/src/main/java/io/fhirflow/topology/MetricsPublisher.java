package io.fhirflow.topology;

import java.util.List;

/** Where the metrics branch hands its batches of absolute values. */
@FunctionalInterface
public interface MetricsPublisher {

  /**
   * Accepts a batch for writing. Must never block the stream thread nor throw: when the target is
   * slow or down the batch is dropped (and counted); the next write of each value, or the rewrite
   * that {@link #lossGeneration} asks for, heals the view.
   */
  void publish(List<RedisWrite> batch);

  /**
   * Grows by one each time the target is found to have lost values (batches dropped or failed, or
   * its data gone) and is writable again: the metrics branch then rewrites its whole state.
   */
  default long lossGeneration() {
    return 0;
  }

  /** Whether a batch offered now would be queued rather than dropped: a rewrite waits for room. */
  default boolean hasRoom() {
    return true;
  }
}
