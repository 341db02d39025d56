package io.fhirflow.topology;

import java.util.List;

/** Where the metrics branch hands its batches of absolute values. */
@FunctionalInterface
public interface MetricsPublisher {

  /**
   * Accepts a batch for writing. Must never block the stream thread nor throw: when the target is
   * slow or down the batch is dropped (and counted); the next write of each value heals the view.
   */
  void publish(List<RedisWrite> batch);
}
