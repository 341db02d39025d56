package io.fhirflow.topology.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.PipelineTopic;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 review: a processor's remembered marks count exactly as {@link FlowCounters} does, when
 * the partition changes between records and when another processor instance (a replacement thread)
 * replays the same offsets.
 */
class SourceMarksTest {

  private final FlowCounters counters =
      new FlowCounters(new SimpleMeterRegistry(), PipelineTopic.Names.RAW);

  private record Source(String topic, int partition, long offset) implements RecordMetadata {}

  @Test
  void recordsFromAlternatingPartitionsAndTenantTopicsAreEachCountedOnce() {
    SourceMarks marks = new SourceMarks(counters);
    // A task reads partition 0 of the default raw topic and of a tenant's: unrelated offsets.
    marks.in(new Source(PipelineTopic.Names.RAW, 0, 1_000));
    marks.in(new Source("wearable.samples.raw.acme", 0, 3));
    marks.in(new Source(PipelineTopic.Names.RAW, 0, 1_001));
    marks.in(new Source("wearable.samples.raw.acme", 0, 4));
    marks.in(new Source(PipelineTopic.Names.RAW, 1, 4));

    assertThat(counters.inCount()).isEqualTo(5);
    assertThat(counters.highestSeen(new TopicPartition(PipelineTopic.Names.RAW, 0)))
        .isEqualTo(1_001);
    assertThat(counters.highestSeen(new TopicPartition("wearable.samples.raw.acme", 0)))
        .isEqualTo(4);
    assertThat(counters.highestSeen(new TopicPartition(PipelineTopic.Names.RAW, 1))).isEqualTo(4);
  }

  @Test
  void aReplayByAnotherProcessorInstanceIsNotCountedAgain() {
    SourceMarks firstThread = new SourceMarks(counters);
    firstThread.in(new Source("raw", 3, 10));
    firstThread.in(new Source("raw", 3, 11));
    assertThat(firstThread.firstOutcome(new Source("raw", 3, 10))).isNotNull();

    // The transaction aborts at offset 11; a replacement thread's processors replay 10 and 11.
    SourceMarks replacement = new SourceMarks(counters);
    replacement.in(new Source("raw", 3, 10));
    replacement.in(new Source("raw", 3, 11));
    assertThat(replacement.firstOutcome(new Source("raw", 3, 10))).isNull();
    assertThat(replacement.firstOutcome(new Source("raw", 3, 11))).isNotNull();
    assertThat(firstThread.firstOutcome(new Source("raw", 3, 11))).isNull();

    assertThat(counters.inCount()).isEqualTo(2);
  }

  @Test
  void theSamePartitionsMarksAreReusedNotLookedUpAgain() {
    SourceMarks marks = new SourceMarks(counters);
    FlowCounters.Marks first = marks.of(new Source("raw", 2, 1));

    assertThat(marks.of(new Source("raw", 2, 2))).isSameAs(first);
    assertThat(marks.of(new Source("raw", 1, 3))).isNotSameAs(first);
    assertThat(marks.of(new Source("raw", 2, 4))).isSameAs(counters.marksFor("raw", 2));
  }
}
