package io.fhirflow.topology.summary;

import io.fhirflow.mapping.FhirResource;
import io.fhirflow.mapping.MetricPoint;
import io.fhirflow.mapping.SummaryCatalogue;
import io.fhirflow.mapping.SummaryDefinition;
import io.fhirflow.mapping.SummaryFigures;
import io.fhirflow.mapping.SummaryObservations;
import io.fhirflow.mapping.SummaryStatistic;
import io.fhirflow.topology.PrefixedEntries;
import io.fhirflow.topology.TopologySettings;
import io.fhirflow.topology.fhir.FhirTopicHeaders;
import io.fhirflow.topology.ops.FlowCounters;
import io.micrometer.core.instrument.Counter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps hourly, daily and nightly summaries per patient and writes them as Observations
 * (docs/summaries.md).
 *
 * <p>State is kept per source record: its entry in {@link SummaryState#RECORDS} holds its
 * contribution to each (measure, period), so writing a record again replaces its shares (a
 * duplicate cannot count twice, inside or beyond the dedupe retention), an update replaces them and
 * a deletion removes them. Each summary has a running {@link SummaryAggregate} in {@link
 * SummaryState#AGGREGATES} that every change updates (add the new contribution, take back the one
 * it replaces), and that also says whether and when the summary is due. A sample therefore costs a
 * get and a put of its record's entry and of each summary it touches (write-behind entries, written
 * once per commit however many samples of a sync batch touched them), and writing a summary reads
 * one entry. A summary is recomputed from its patient's records only when a take-back left a figure
 * it writes unknown (the record held the period's minimum, maximum, first start, last end or one of
 * the listed source ids alone): sums, counts, min and max are exact after any correction, in any
 * order of arrival.
 *
 * <p>A wall-clock punctuator writes the changed summaries whose period ended at least the grace ago
 * ({@code final} the first time, {@code amended} after), or the contract's deletion marker when a
 * period lost every contribution. Periods older than the correction horizon ({@link
 * SummarySettings#retentionDays}) are neither changed nor written, and their state is swept.
 */
public final class SummaryProcessor
    extends ContextualProcessor<String, SummaryInput, String, byte[]> {

  private static final String OBSERVATION = "Observation";
  private static final BytesSerializer BYTES = new BytesSerializer();

  private final SummaryCatalogue catalogue;
  private final SummarySettings settings;
  private final TopologySettings topology;
  private final Counter emittedFinal;
  private final Counter emittedAmended;
  private final Counter retracted;
  private final Counter rescans;
  private KeyValueStore<Bytes, SummaryState.RecordShares> records;
  private KeyValueStore<Bytes, SummaryAggregate> aggregates;

  /**
   * The changed summaries and when each is due, in memory (rebuilt from {@link
   * SummaryState#AGGREGATES} at start), so a tick finds them without reading the store.
   */
  private final Map<Bytes, Long> due = new HashMap<>();

  /** The periods of recent points, so the next points of a sync batch skip the zone arithmetic. */
  private final PeriodBounds periods = new PeriodBounds();

  public SummaryProcessor(TopologySettings topology, FlowCounters counters) {
    this.topology = topology;
    this.settings = topology.summaries();
    this.catalogue = settings.catalogue();
    this.emittedFinal =
        Counter.builder("fhirflow.summaries.emitted")
            .description("Summary Observations written")
            .tag("status", "final")
            .register(counters.registry());
    this.emittedAmended =
        Counter.builder("fhirflow.summaries.emitted")
            .description("Summary Observations written")
            .tag("status", "amended")
            .register(counters.registry());
    this.retracted =
        Counter.builder("fhirflow.summaries.retracted")
            .description("Deletion markers of summaries whose period lost every contribution")
            .register(counters.registry());
    this.rescans =
        Counter.builder("fhirflow.summaries.rescans")
            .description(
                "Summaries recomputed from all their contributions because a correction took back"
                    + " the only holder of a figure (min, max, bounds, listed source)")
            .register(counters.registry());
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    super.init(context);
    records = context.getStateStore(SummaryState.RECORDS);
    aggregates = context.getStateStore(SummaryState.AGGREGATES);
    due.clear();
    // One pass over the task's summaries at start (restore reads the same entries from the
    // changelog anyway), so marking a summary due costs no write of its own while running.
    try (KeyValueIterator<Bytes, SummaryAggregate> it = aggregates.all()) {
      it.forEachRemaining(
          e -> {
            if (e.value.isDue()) {
              due.put(e.key, e.value.dueAt());
            }
          });
    }
    context.schedule(settings.emitInterval(), PunctuationType.WALL_CLOCK_TIME, this::emitDue);
    SummarySweep sweep = new SummarySweep(records, aggregates, topology.sweepMaxEntries());
    context.schedule(
        topology.sweepInterval(),
        PunctuationType.WALL_CLOCK_TIME,
        now -> sweep.run(oldestKeptDay(now)));
  }

  @Override
  public void process(Record<String, SummaryInput> record) {
    SummaryInput in = record.value();
    if (in.erasedUser() != null) {
      erase(in);
    } else if (in.isDeletion()) {
      retract(in);
    } else {
      replace(in);
    }
  }

  /**
   * The person's erasure: every entry of theirs goes from both stores, and nothing of theirs is due
   * any more. Their summaries already written are removed downstream by the erasure marker on the
   * Observation topic, which names every Observation of the patient before it.
   */
  private void erase(SummaryInput in) {
    Bytes patient = SummaryState.patientPrefix(UUID.fromString(in.patientId()));
    PrefixedEntries.remove(records, patient, BYTES);
    for (KeyValue<Bytes, SummaryAggregate> e : PrefixedEntries.remove(aggregates, patient, BYTES)) {
      due.remove(e.key);
    }
  }

  /** A deletion: the record's contributions are taken back from their summaries. */
  private void retract(SummaryInput in) {
    UUID patient = UUID.fromString(in.patientId());
    Bytes recordKey = SummaryState.recordKey(patient, in.identity());
    SummaryState.RecordShares prior = records.get(recordKey);
    if (prior == null) {
      return;
    }
    for (SummaryState.Share s : prior.shares()) {
      takeBack(
          new SummaryState.Key(in.tenant(), patient, s.measure(), s.period()),
          s.contribution(),
          Set.of());
    }
    records.delete(recordKey);
  }

  /** A mapped version: its contributions replace the previous version's. */
  private void replace(SummaryInput in) {
    long oldest = oldestKeptDay(context().currentSystemTimeMs());
    UUID patient = UUID.fromString(in.patientId());
    Map<SummaryState.Key, Accumulating> next = shares(patient, in, oldest);
    if (next.isEmpty() && !in.amended()) {
      // Most samples feed no summary; a first version of one has nothing to take back either.
      return;
    }
    Bytes recordKey = SummaryState.recordKey(patient, in.identity());
    SummaryState.RecordShares prior = records.get(recordKey);
    if (prior != null && !in.version().isNewerThan(prior.version())) {
      // Equal: the contributions are already these. Older: a stale copy (e.g. past the dedupe
      // retention) must not undo a newer version.
      return;
    }
    if (next.isEmpty() && prior == null) {
      return;
    }
    List<SummaryState.Share> shares = new ArrayList<>(next.size());
    long lastDay = prior == null ? Long.MIN_VALUE : prior.lastDay();
    for (Map.Entry<SummaryState.Key, Accumulating> e : next.entrySet()) {
      SummaryState.Key key = e.getKey();
      Accumulating acc = e.getValue();
      SummaryState.Contribution c = acc.contribution();
      shares.add(new SummaryState.Share(key.measure(), key.period(), c));
      lastDay = Math.max(lastDay, acc.period.lastDay());
      Bytes summary = key.bytes();
      SummaryAggregate a = aggregates.get(summary);
      if (a == null) {
        a = new SummaryAggregate(acc.period.lastDay());
      } else {
        // An update: its previous version's share of this period, if any, is taken back first.
        SummaryState.Contribution previous = prior == null ? null : prior.of(key);
        if (previous != null) {
          a.remove(previous, Set.copyOf(c.sources()));
        }
      }
      a.add(c);
      markDue(summary, a, acc.period.endEpoch() * 1000L + settings.grace().toMillis());
      aggregates.put(summary, a);
    }
    if (prior != null) {
      for (SummaryState.Share s : prior.shares()) {
        SummaryState.Key key = new SummaryState.Key(in.tenant(), patient, s.measure(), s.period());
        if (!next.containsKey(key)) {
          takeBack(key, s.contribution(), Set.of());
        }
      }
    }
    records.put(
        recordKey,
        new SummaryState.RecordShares(
            in.version().recordVersion(), in.version().lastModifiedMillis(), shares, lastDay));
  }

  /** The record's values grouped by summary and period, periods before the horizon left out. */
  private Map<SummaryState.Key, Accumulating> shares(UUID patient, SummaryInput in, long oldest) {
    Map<SummaryState.Key, Accumulating> out = new LinkedHashMap<>();
    for (MetricPoint p : in.points()) {
      List<SummaryDefinition> definitions = catalogue.forMetric(p.metric());
      if (definitions.isEmpty()) {
        continue;
      }
      UUID source = p.observationId() == null ? null : UUID.fromString(p.observationId());
      // Made once for all the point's summaries (a heart rate feeds its hour and day).
      BigDecimal exact = ExactDecimal.of(p.value());
      for (SummaryDefinition d : definitions) {
        PeriodBounds.Bounds period = periods.of(d.period(), p.time(), p.zone());
        if (period.lastDay() < oldest) {
          continue;
        }
        SummaryState.Key key =
            new SummaryState.Key(in.tenant(), patient, d.measure(), period.key());
        Accumulating acc = out.get(key);
        if (acc == null) {
          acc = new Accumulating(period);
          out.put(key, acc);
        }
        acc.add(p.value(), exact, source);
      }
    }
    return out;
  }

  /**
   * Takes a record's contribution back from a summary; the summary is due when it would have been
   * with it.
   */
  private void takeBack(SummaryState.Key key, SummaryState.Contribution c, Set<UUID> readded) {
    Bytes summary = key.bytes();
    SummaryAggregate a = aggregates.get(summary);
    if (a == null) {
      // Swept (past the horizon) or erased: nothing to correct.
      return;
    }
    a.remove(c, readded);
    markDue(summary, a, c.endEpoch() * 1000L + settings.grace().toMillis());
    aggregates.put(summary, a);
  }

  private void markDue(Bytes k, SummaryAggregate a, long dueAt) {
    if (a.dueAt(dueAt)) {
      due.put(k, dueAt);
    }
  }

  /** Writes the due summaries, at most {@link SummarySettings#maxPerTick} per tick. */
  void emitDue(long now) {
    List<Bytes> ready = new ArrayList<>();
    for (Map.Entry<Bytes, Long> e : due.entrySet()) {
      if (e.getValue() <= now) {
        ready.add(e.getKey());
        if (ready.size() >= settings.maxPerTick()) {
          break;
        }
      }
    }
    long oldest = oldestKeptDay(now);
    for (Bytes k : ready) {
      due.remove(k);
      emit(k, oldest, now);
    }
  }

  private void emit(Bytes k, long oldest, long now) {
    SummaryAggregate a = aggregates.get(k);
    if (a == null) {
      // Nothing left of it (erased, or swept).
      return;
    }
    SummaryState.Key key = SummaryState.Key.parse(k);
    SummaryDefinition d = catalogue.measure(key.measure()).orElse(null);
    if (d == null || d.period().lastLocalDate(key.period()).toEpochDay() < oldest) {
      // A measure no longer configured, or a period past the horizon (swept soon): not written.
      a.unchanged();
      aggregates.put(k, a);
      return;
    }
    boolean writesMin = d.components().contains(SummaryStatistic.MINIMUM);
    boolean writesMax = d.components().contains(SummaryStatistic.MAXIMUM);
    if (a.needsRescan(writesMin, writesMax)) {
      rescan(key, a);
    }
    String patientId = key.patient().toString();
    String label = d.period().label(key.period());
    byte[] source = (d.measure() + "/" + label).getBytes(StandardCharsets.UTF_8);
    if (a.count() == 0) {
      if (a.version() > 0) {
        String id =
            io.fhirflow.mapping.ResourceIds.summary(patientId, d.measure(), label, a.generation());
        context()
            .forward(
                new Record<>(
                    patientId,
                    (byte[]) null,
                    now,
                    FhirTopicHeaders.of(key.tenant(), OBSERVATION, id, source)));
        a.retracted();
        aggregates.put(k, a);
        retracted.increment();
      } else if (a.generation() == 0) {
        // Never written and emptied: nothing to remember.
        aggregates.delete(k);
      } else {
        a.unchanged();
        aggregates.put(k, a);
      }
      return;
    }
    // The digest first: a summary whose figures came back to the version written needs no figures.
    long hash = a.digest(writesMin, writesMax);
    if (a.version() > 0 && a.hash() == hash) {
      a.unchanged();
      aggregates.put(k, a);
      return;
    }
    SummaryFigures figures = a.figures();
    int version = a.version() + 1;
    FhirResource summary =
        SummaryObservations.build(
            d,
            key.tenant(),
            patientId,
            key.period(),
            a.generation(),
            figures,
            version,
            Instant.ofEpochMilli(now));
    context()
        .forward(
            new Record<>(
                patientId,
                summary.json().getBytes(StandardCharsets.UTF_8),
                now,
                FhirTopicHeaders.of(key.tenant(), OBSERVATION, summary.id(), source)));
    a.written(version, hash);
    aggregates.put(k, a);
    (version == 1 ? emittedFinal : emittedAmended).increment();
  }

  /**
   * Recomputes a summary from the current contributions of its patient's records (a prefix scan of
   * the patient's records in {@link SummaryState#RECORDS}): only after a take-back left a figure it
   * writes unknown.
   */
  private void rescan(SummaryState.Key key, SummaryAggregate a) {
    List<SummaryState.Contribution> all = new ArrayList<>();
    try (KeyValueIterator<Bytes, SummaryState.RecordShares> it =
        records.prefixScan(SummaryState.patientPrefix(key.patient()), BYTES)) {
      while (it.hasNext()) {
        SummaryState.Contribution c = it.next().value.of(key);
        if (c != null) {
          all.add(c);
        }
      }
    }
    a.rescan(all);
    rescans.increment();
  }

  /**
   * The first local date still corrected, from the wall clock (Streams' own, so tests can move it).
   */
  private long oldestKeptDay(long nowMillis) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC).toEpochDay()
        - settings.retentionDays();
  }

  /** One record's values in one period, accumulated exactly. */
  private static final class Accumulating {
    private final PeriodBounds.Bounds period;
    private BigDecimal sum = BigDecimal.ZERO;
    private long count;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    // The smallest DERIVED_FROM_MAX source ids, sorted; a list, not a TreeSet: a record has one or
    // a
    // few Observations, so a TreeMap and its entries per record and period were allocation for
    // nothing.
    private final List<UUID> sources = new ArrayList<>(2);

    Accumulating(PeriodBounds.Bounds period) {
      this.period = period;
    }

    /** Adds a value, {@code exact} being its decimal ({@code BigDecimal.valueOf(value)}). */
    void add(double value, BigDecimal exact, UUID source) {
      sum = sum.add(exact);
      count++;
      min = Math.min(min, value);
      max = Math.max(max, value);
      if (source != null) {
        int at = Collections.binarySearch(sources, source, SummaryAggregate.ID_ORDER);
        if (at < 0) {
          sources.add(-at - 1, source);
          if (sources.size() > SummaryObservations.DERIVED_FROM_MAX) {
            sources.remove(sources.size() - 1);
          }
        }
      }
    }

    SummaryState.Contribution contribution() {
      return new SummaryState.Contribution(
          sum,
          count,
          min,
          max,
          period.startEpoch(),
          period.startOffset(),
          period.endEpoch(),
          period.endOffset(),
          period.lastDay(),
          List.copyOf(sources));
    }
  }
}
