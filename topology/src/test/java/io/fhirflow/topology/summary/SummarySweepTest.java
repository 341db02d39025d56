package io.fhirflow.topology.summary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The summaries' expiry sweep: whole passes in bounded slices, then rest until the day moves. */
class SummarySweepTest {

  private final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
  private KeyValueStore<Bytes, SummaryState.RecordShares> records;
  private KeyValueStore<Bytes, SummaryAggregate> aggregates;
  private SummarySweep sweep;

  @BeforeEach
  void init() {
    records =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(SummaryState.RECORDS),
                Serdes.Bytes(),
                SummaryState.RecordShares.serde())
            .withLoggingDisabled()
            .build();
    records.init(context.getStateStoreContext(), records);
    aggregates =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(SummaryState.AGGREGATES),
                Serdes.Bytes(),
                SummaryAggregate.serde())
            .withLoggingDisabled()
            .build();
    aggregates.init(context.getStateStoreContext(), aggregates);
    // Two entries per slice: five entries a store take three calls to pass through.
    sweep = new SummarySweep(records, aggregates, 2);
    for (int day = 10; day <= 14; day++) {
      put(day, day);
    }
  }

  @Test
  void aPassDeletesWhatIsBeforeTheOldestDayInBoundedSlices() {
    assertThat(sweep.run(12)).as("first slice: days 10 and 11").isTrue();
    assertThat(lastDays(records)).containsExactly(12L, 13L, 14L);
    assertThat(lastDays(aggregates)).containsExactly(12L, 13L, 14L);

    assertThat(sweep.run(12)).isFalse();
    assertThat(sweep.run(12)).isFalse();
    assertThat(lastDays(records)).containsExactly(12L, 13L, 14L);
  }

  @Test
  void afterAWholePassItRestsUntilTheOldestDayMoves() {
    for (int i = 0; i < 3; i++) {
      sweep.run(12);
    }
    // Written after the pass with an older last day (an update moving a record out of the horizon):
    // left until the next day's pass, which a resting sweep does not read the stores for.
    put(20, 5);
    for (int i = 0; i < 5; i++) {
      assertThat(sweep.run(12)).isFalse();
    }
    assertThat(lastDays(records)).containsExactly(5L, 12L, 13L, 14L);

    // The next day: a new pass, which finds it and day 12.
    for (int i = 0; i < 3; i++) {
      sweep.run(13);
    }
    assertThat(lastDays(records)).containsExactly(13L, 14L);
    assertThat(lastDays(aggregates)).containsExactly(13L, 14L);
  }

  @Test
  void aPassThatSpansADayChangeIsRepeatedForTheNewDay() {
    sweep.run(12); // slice 1 of the pass for day 12: days 10 and 11 go
    sweep.run(13); // the day moved mid-pass: the rest is judged by day 13
    sweep.run(13); // the pass ends, counted as a pass for day 12 only
    assertThat(lastDays(records)).containsExactly(13L, 14L);

    put(30, 12); // older than 13, written after the pass
    for (int i = 0; i < 3; i++) {
      sweep.run(13);
    }
    assertThat(lastDays(records)).as("a new pass for day 13").containsExactly(13L, 14L);
  }

  private void put(int key, long lastDay) {
    Bytes k = Bytes.wrap(new byte[] {(byte) key});
    records.put(k, new SummaryState.RecordShares(1, 0, List.of(), lastDay));
    aggregates.put(k, new SummaryAggregate(lastDay));
  }

  private static List<Long> lastDays(KeyValueStore<Bytes, ?> store) {
    List<Long> days = new ArrayList<>();
    try (KeyValueIterator<Bytes, ?> it = store.all()) {
      it.forEachRemaining(
          e ->
              days.add(
                  e.value instanceof SummaryAggregate a
                      ? a.lastDay()
                      : ((SummaryState.RecordShares) e.value).lastDay()));
    }
    days.sort(null);
    return days;
  }
}
