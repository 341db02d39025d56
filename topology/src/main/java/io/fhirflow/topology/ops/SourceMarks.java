package io.fhirflow.topology.ops;

import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * One processor's way to {@link FlowCounters}' marks: the marks of the raw partition its last
 * record came from, kept until a record comes from another one.
 *
 * <p>Why: a processor instance belongs to one task and runs on one thread at a time, and a task
 * reads one partition of each tenant's raw topic, mostly the same one many records in a row. Asking
 * {@link FlowCounters#marksFor} per record allocates a {@code TopicPartition} and looks it up in a
 * concurrent map every time; here that happens only when the partition changes. The marks are the
 * process-wide object of that partition, so counting stays exact across thread replacements and
 * rebalances. Not thread-safe: one per processor instance.
 */
public final class SourceMarks {

  private final FlowCounters counters;
  private String topic;
  private int partition = -1;
  private FlowCounters.Marks marks;

  public SourceMarks(FlowCounters counters) {
    this.counters = counters;
  }

  /** {@link FlowCounters#in(RecordMetadata)}: counts a consumed record once. */
  public void in(RecordMetadata source) {
    counters.in(of(source), source.offset());
  }

  /**
   * {@link FlowCounters#firstOutcome(RecordMetadata)}: the record's tenant's counters the first
   * time for this offset, else null.
   */
  public TenantFlowCounters firstOutcome(RecordMetadata source) {
    return counters.firstOutcome(of(source), source.offset());
  }

  FlowCounters.Marks of(RecordMetadata source) {
    String t = source.topic();
    int p = source.partition();
    if (marks == null || p != partition || !t.equals(topic)) {
      marks = counters.marksFor(t, p);
      topic = t;
      partition = p;
    }
    return marks;
  }
}
