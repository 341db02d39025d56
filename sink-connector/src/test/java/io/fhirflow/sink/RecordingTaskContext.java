package io.fhirflow.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * The context Connect gives a sink task, as far as the task's unit tests use it: no consumer or
 * poll loop behind it (put() is called by the test), the poll timeouts the task asks for and the
 * records it dead-letters recorded, no plugin metrics.
 */
final class RecordingTaskContext implements SinkTaskContext {

  private final TopicPartition partition;
  final List<Long> timeouts = new ArrayList<>();
  final List<SinkRecord> deadLettered = new ArrayList<>();

  RecordingTaskContext(TopicPartition partition) {
    this.partition = partition;
  }

  @Override
  public Map<String, String> configs() {
    return Map.of();
  }

  @Override
  public void offset(Map<TopicPartition, Long> offsets) {
    // No consumer behind these tests: nothing to rewind.
  }

  @Override
  public void offset(TopicPartition tp, long offset) {
    // As above.
  }

  @Override
  public void timeout(long timeoutMs) {
    timeouts.add(timeoutMs);
  }

  @Override
  public Set<TopicPartition> assignment() {
    return Set.of(partition);
  }

  @Override
  public void pause(TopicPartition... partitions) {
    // No poll loop behind these tests.
  }

  @Override
  public void resume(TopicPartition... partitions) {
    // As pause().
  }

  @Override
  public void requestCommit() {
    // As pause().
  }

  @Override
  public ErrantRecordReporter errantRecordReporter() {
    return (record, error) -> {
      deadLettered.add(record);
      Future<Void> done = CompletableFuture.completedFuture(null);
      return done;
    };
  }

  @Override
  public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
    return null; // the task's metrics are no-ops without them (SinkTaskMetrics.of)
  }
}
