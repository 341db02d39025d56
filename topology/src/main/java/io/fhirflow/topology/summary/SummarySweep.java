package io.fhirflow.topology.summary;

import io.fhirflow.topology.dedupe.ExpirySweep;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Expiry of the summaries' two stores: entries whose last local day is before the oldest day still
 * corrected are deleted, a bounded slice per call ({@link ExpirySweep}).
 *
 * <p>That oldest day moves once a day, and what the branch writes lies within the horizon, so once
 * a whole pass of both stores has been made for one oldest day, a new pass finds nothing until the
 * day moves: the sweep rests until then. A pass reads and decodes every entry of both stores, and
 * running one slice every sweep interval regardless was ~5 % of the stream threads' time with
 * summaries on (BENCHMARKS.md, "Summaries on vs off"). An entry rewritten with an older last day
 * after its pass (an update moving a record wholly out of the horizon) goes with the next day's.
 */
final class SummarySweep {

  private final ExpirySweep<Bytes, SummaryState.RecordShares> records;
  private final ExpirySweep<Bytes, SummaryAggregate> aggregates;

  /** Every entry whose last day is before this was deleted by a finished pass. */
  private long sweptBefore = Long.MIN_VALUE;

  /** The oldest day the running pass started with; {@link Long#MIN_VALUE} when none runs. */
  private long passFor = Long.MIN_VALUE;

  private boolean recordsDone;
  private boolean aggregatesDone;

  SummarySweep(
      KeyValueStore<Bytes, SummaryState.RecordShares> records,
      KeyValueStore<Bytes, SummaryAggregate> aggregates,
      int maxEntries) {
    this.records = new ExpirySweep<>(records, maxEntries);
    this.aggregates = new ExpirySweep<>(aggregates, maxEntries);
  }

  /**
   * Sweeps the next slices if entries before {@code oldestDay} may be left; returns whether it
   * deleted an aggregate.
   */
  boolean run(long oldestDay) {
    if (oldestDay <= sweptBefore) {
      return false;
    }
    if (passFor == Long.MIN_VALUE) {
      passFor = oldestDay;
      recordsDone = false;
      aggregatesDone = false;
    }
    if (!recordsDone) {
      records.run(r -> r.lastDay() < oldestDay);
      recordsDone = records.passComplete();
    }
    int deleted = 0;
    if (!aggregatesDone) {
      deleted = aggregates.run(a -> a.lastDay() < oldestDay);
      aggregatesDone = aggregates.passComplete();
    }
    if (recordsDone && aggregatesDone) {
      // Entries seen early in the pass were judged by the day it started with.
      sweptBefore = passFor;
      passFor = Long.MIN_VALUE;
    }
    return deleted > 0;
  }
}
