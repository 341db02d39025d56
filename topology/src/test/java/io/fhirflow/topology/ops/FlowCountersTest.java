package io.fhirflow.topology.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Issue 12, item 1: the conservation counters count records, not attempts. */
class FlowCountersTest {

  private final FlowCounters counters = new FlowCounters(new SimpleMeterRegistry());

  @Test
  void aReplayedOffsetIsCountedOnceOnEachSideWhicheverThreadReplaysIt() {
    FlowCounters.Marks firstThread = counters.marksFor("raw", 3);
    counters.in(firstThread, 10);
    counters.in(firstThread, 11);
    if (counters.firstOutcome(firstThread, 10)) {
      counters.out();
    }
    // The transaction aborts at offset 11; a replacement thread replays 10 and 11.
    FlowCounters.Marks replacement = counters.marksFor("raw", 3);
    for (long offset = 10; offset <= 11; offset++) {
      counters.in(replacement, offset);
      if (counters.firstOutcome(replacement, offset)) {
        counters.out();
      }
    }

    assertThat(counters.inCount()).isEqualTo(2);
    assertThat(counters.outCount()).isEqualTo(2);
  }

  @Test
  void eachPartitionHasItsOwnMarks() {
    counters.in(counters.marksFor("raw", 0), 5);
    counters.in(counters.marksFor("raw", 1), 5);

    assertThat(counters.inCount()).isEqualTo(2);
  }

  @Test
  void aTenantTopicsOffsetsAreNotComparedWithTheDefaultTopicsInTheSameTask() {
    // Task 0_0 reads partition 0 of the default raw topic and of each tenant's: far apart offsets.
    counters.in(counters.marksFor("wearable.samples.raw", 0), 1_000);
    if (counters.firstOutcome(counters.marksFor("wearable.samples.raw", 0), 1_000)) {
      counters.out();
    }
    counters.in(counters.marksFor("wearable.samples.raw.acme", 0), 3);
    if (counters.firstOutcome(counters.marksFor("wearable.samples.raw.acme", 0), 3)) {
      counters.out();
    }

    assertThat(counters.inCount()).isEqualTo(2);
    assertThat(counters.outCount()).isEqualTo(2);
    assertThat(counters.highestSeen(new TopicPartition("wearable.samples.raw.acme", 0)))
        .isEqualTo(3);
  }
}
