package io.fhirflow.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.Test;

class SinkTaskMetricsTest {

  /**
   * Connect restarts a task on the same worker while the previous instance, stuck in put() during a
   * broker outage, has not been closed ("Graceful stop of task failed"): its plugin metrics still
   * hold the names. The new instance must start (it failed with "A metric named ... already exists"
   * and the sink stopped for good in bench/run-faults), and the gauge must show the new instance's
   * value.
   */
  @Test
  void aTaskStartsWhileAnEarlierInstanceOfItStillHoldsItsMetricNames() throws Exception {
    try (Metrics registry = new Metrics()) {
      Map<String, String> tags = Map.of("connector", "fhirflow-sink", "task", "0");
      PluginMetricsImpl stuck = new PluginMetricsImpl(registry, tags);
      SinkTaskMetrics old = SinkTaskMetrics.of(stuck);
      old.writeFailed();
      old.writeFailed();

      SinkTaskMetrics restarted = SinkTaskMetrics.of(new PluginMetricsImpl(registry, tags));
      MetricName gauge =
          stuck.metricName(SinkTaskMetrics.CONSECUTIVE_FAILED_WRITES, "", new LinkedHashMap<>());
      assertEquals(0, ((Number) registry.metric(gauge).metricValue()).intValue());
      restarted.writeFailed();
      assertEquals(1, ((Number) registry.metric(gauge).metricValue()).intValue());
      restarted.batchWritten(10, 5);
      assertEquals(0, ((Number) registry.metric(gauge).metricValue()).intValue());
    }
  }
}
