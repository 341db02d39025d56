package io.fhirflow.topology.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/** Issue 12, item 1: the conservation counters count records, not attempts. */
class FlowCountersTest {

  private final FlowCounters counters = new FlowCounters(new SimpleMeterRegistry());

  @Test
  void aReplayedOffsetIsCountedOnceOnEachSideWhicheverThreadReplaysIt() {
    FlowCounters.Marks firstThread = counters.marksFor(new TaskId(0, 3));
    counters.in(firstThread, 10);
    counters.in(firstThread, 11);
    if (counters.firstOutcome(firstThread, 10)) {
      counters.out();
    }
    // The transaction aborts at offset 11; a replacement thread replays 10 and 11.
    FlowCounters.Marks replacement = counters.marksFor(new TaskId(0, 3));
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
  void eachTaskHasItsOwnMarks() {
    counters.in(counters.marksFor(new TaskId(0, 0)), 5);
    counters.in(counters.marksFor(new TaskId(0, 1)), 5);

    assertThat(counters.inCount()).isEqualTo(2);
  }
}
