package io.fhirflow.topology.summary;

import io.fhirflow.contracts.Tenants;
import io.fhirflow.mapping.FhirResource;
import io.fhirflow.mapping.MetricPoint;
import io.fhirflow.mapping.SummaryCatalogue;
import io.fhirflow.mapping.SummaryDefinition;
import io.fhirflow.mapping.SummaryFigures;
import io.fhirflow.mapping.SummaryObservations;
import io.fhirflow.topology.TopologySettings;
import io.fhirflow.topology.dedupe.ExpirySweep;
import io.fhirflow.topology.fhir.MapProcessor;
import io.fhirflow.topology.ingest.SampleIdentity;
import io.fhirflow.topology.ops.FlowCounters;
import io.micrometer.core.instrument.Counter;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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
 * <p>State is kept per source record: each record's contribution to each (measure, period) is its
 * own entry in {@link SummaryState#CONTRIBUTIONS}, so writing a record again replaces its share (a
 * duplicate cannot count twice, inside or beyond the dedupe retention), an update replaces it and a
 * deletion removes it, and a summary is always recomputed from the contributions that are current:
 * sums, counts, min and max are exact after any correction, in any order of arrival.
 *
 * <p>A changed summary is marked pending; a wall-clock punctuator writes the pending ones whose
 * period ended at least the grace ago ({@code final} the first time, {@code amended} after), or the
 * contract's deletion marker when a period lost every contribution. Periods older than the
 * correction horizon ({@link SummarySettings#retentionDays}) are neither changed nor written, and
 * their state is swept.
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
  private KeyValueStore<Bytes, SummaryState.Contribution> contributions;
  private KeyValueStore<Bytes, SummaryState.RecordPeriods> records;
  private KeyValueStore<Bytes, Long> pending;
  private KeyValueStore<Bytes, SummaryState.Emitted> emitted;

  /**
   * The pending store in memory (it is small: changed summaries not yet written), so marking costs
   * no read.
   */
  private final Map<Bytes, Long> due = new HashMap<>();

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
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    super.init(context);
    contributions = context.getStateStore(SummaryState.CONTRIBUTIONS);
    records = context.getStateStore(SummaryState.RECORDS);
    pending = context.getStateStore(SummaryState.PENDING);
    emitted = context.getStateStore(SummaryState.EMITTED);
    due.clear();
    try (KeyValueIterator<Bytes, Long> it = pending.all()) {
      it.forEachRemaining(e -> due.put(e.key, e.value));
    }
    context.schedule(settings.emitInterval(), PunctuationType.WALL_CLOCK_TIME, this::emitDue);
    ExpirySweep<Bytes, SummaryState.Contribution> contributionSweep =
        new ExpirySweep<>(contributions, topology.sweepMaxEntries());
    ExpirySweep<Bytes, SummaryState.RecordPeriods> recordSweep =
        new ExpirySweep<>(records, topology.sweepMaxEntries());
    ExpirySweep<Bytes, SummaryState.Emitted> emittedSweep =
        new ExpirySweep<>(emitted, topology.sweepMaxEntries());
    context.schedule(
        topology.sweepInterval(),
        PunctuationType.WALL_CLOCK_TIME,
        now -> {
          long oldest = oldestKeptDay(now);
          contributionSweep.run(c -> c.lastDay() < oldest);
          recordSweep.run(r -> r.lastDay() < oldest);
          emittedSweep.run(e -> e.lastDay() < oldest);
        });
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
   * The person's erasure: every entry of theirs goes from the four stores, and nothing of theirs is
   * due any more. Their summaries already written are removed downstream by the erasure marker on
   * the Observation topic, which names every Observation of the patient before it.
   */
  private void erase(SummaryInput in) {
    Bytes patient =
        Bytes.wrap(
            java.nio.ByteBuffer.allocate(16)
                .putLong(UUID.fromString(in.patientId()).getMostSignificantBits())
                .putLong(UUID.fromString(in.patientId()).getLeastSignificantBits())
                .array());
    removeByPrefix(contributions, patient);
    removeByPrefix(emitted, patient);
    for (Bytes k : removeByPrefix(pending, patient)) {
      due.remove(k);
    }
    for (io.fhirflow.schema.Platform platform : io.fhirflow.schema.Platform.values()) {
      removeByPrefix(
          records,
          Bytes.wrap(SampleIdentity.userPrefix(Tenants.DEFAULT, in.erasedUser(), platform)));
    }
  }

  private static <V> List<Bytes> removeByPrefix(KeyValueStore<Bytes, V> store, Bytes prefix) {
    List<Bytes> keys = new ArrayList<>();
    try (KeyValueIterator<Bytes, V> it = store.prefixScan(prefix, BYTES)) {
      it.forEachRemaining(e -> keys.add(e.key));
    }
    keys.forEach(store::delete);
    return keys;
  }

  /** A deletion: the record's contributions go, its summaries are recomputed. */
  private void retract(SummaryInput in) {
    SummaryState.RecordPeriods prior = records.get(in.identity());
    if (prior == null) {
      return;
    }
    for (SummaryState.Key key : prior.periods()) {
      takeBack(key, in.identity());
    }
    records.delete(in.identity());
  }

  /** A mapped version: its contributions replace the previous version's. */
  private void replace(SummaryInput in) {
    long oldest = oldestKeptDay(context().currentSystemTimeMs());
    Map<SummaryState.Key, Share> next = shares(in, oldest);
    if (next.isEmpty() && !in.amended()) {
      // Most samples feed no summary; a first version of one has nothing to take back either.
      return;
    }
    SummaryState.RecordPeriods prior = records.get(in.identity());
    if (prior != null && !in.version().isNewerThan(prior.version())) {
      // Equal: the contributions are already these. Older: a stale copy (e.g. past the dedupe
      // retention) must not undo a newer version.
      return;
    }
    if (prior != null) {
      for (SummaryState.Key key : prior.periods()) {
        if (!next.containsKey(key)) {
          takeBack(key, in.identity());
        }
      }
    }
    if (next.isEmpty() && prior == null) {
      return;
    }
    long lastDay = Long.MIN_VALUE;
    for (Map.Entry<SummaryState.Key, Share> e : next.entrySet()) {
      Share s = e.getValue();
      contributions.put(e.getKey().contribution(in.identity()), s.contribution());
      markPending(e.getKey(), s.endEpoch * 1000L + settings.grace().toMillis());
      lastDay = Math.max(lastDay, s.lastDay);
    }
    records.put(
        in.identity(),
        new SummaryState.RecordPeriods(
            in.version().recordVersion(),
            in.version().lastModifiedMillis(),
            List.copyOf(next.keySet()),
            prior == null ? lastDay : Math.max(lastDay, prior.lastDay())));
  }

  /** The record's values grouped by summary and period, periods before the horizon left out. */
  private Map<SummaryState.Key, Share> shares(SummaryInput in, long oldest) {
    Map<SummaryState.Key, Share> out = new LinkedHashMap<>();
    UUID patient = null;
    for (MetricPoint p : in.points()) {
      for (SummaryDefinition d : catalogue.forMetric(p.metric())) {
        long period = d.period().key(p.time(), p.zone());
        long lastDay = d.period().lastLocalDate(period).toEpochDay();
        if (lastDay < oldest) {
          continue;
        }
        if (patient == null) {
          patient = UUID.fromString(in.patientId());
        }
        SummaryState.Key key = new SummaryState.Key(patient, d.measure(), period);
        Share share = out.get(key);
        if (share == null) {
          ZonedDateTime start = d.period().start(p.time(), p.zone());
          ZonedDateTime end = d.period().end(p.time(), p.zone());
          share =
              new Share(
                  start.toEpochSecond(),
                  start.getOffset().getTotalSeconds(),
                  end.toEpochSecond(),
                  end.getOffset().getTotalSeconds(),
                  lastDay);
          out.put(key, share);
        }
        share.add(p);
      }
    }
    return out;
  }

  /**
   * Removes a record's contribution to a period; the period is due when it would have been with it.
   */
  private void takeBack(SummaryState.Key key, Bytes record) {
    SummaryState.Contribution c = contributions.delete(key.contribution(record));
    if (c != null) {
      markPending(key, c.endEpoch() * 1000L + settings.grace().toMillis());
    }
  }

  private void markPending(SummaryState.Key key, long dueAt) {
    Bytes k = key.bytes();
    Long current = due.get(k);
    if (current == null || current < dueAt) {
      due.put(k, dueAt);
      pending.put(k, dueAt);
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
      emit(k, oldest, now);
      due.remove(k);
      pending.delete(k);
    }
  }

  private void emit(Bytes k, long oldest, long now) {
    SummaryState.Key key = SummaryState.Key.parse(k);
    SummaryDefinition d = catalogue.measure(key.measure()).orElse(null);
    if (d == null || d.period().lastLocalDate(key.period()).toEpochDay() < oldest) {
      // A measure no longer configured, or a period past the horizon whose state may be partly
      // swept.
      return;
    }
    SummaryFigures figures = figures(k);
    SummaryState.Emitted last = emitted.get(k);
    String patientId = key.patient().toString();
    String label = d.period().label(key.period());
    byte[] source = (d.measure() + "/" + label).getBytes(StandardCharsets.UTF_8);
    long lastDay = d.period().lastLocalDate(key.period()).toEpochDay();
    long timestamp = now;
    if (figures == null) {
      if (last != null && last.version() > 0) {
        String id =
            io.fhirflow.mapping.ResourceIds.summary(
                patientId, d.measure(), label, last.generation());
        context()
            .forward(
                new Record<>(
                    patientId,
                    (byte[]) null,
                    timestamp,
                    MapProcessor.headers(OBSERVATION, id, source)));
        emitted.put(k, new SummaryState.Emitted(0, last.generation() + 1, 0, lastDay));
        retracted.increment();
      }
      return;
    }
    long hash = hash(figures);
    if (last != null && last.version() > 0 && last.hash() == hash) {
      return;
    }
    int generation = last == null ? 0 : last.generation();
    int version = last == null ? 1 : last.version() + 1;
    FhirResource summary =
        SummaryObservations.build(
            d, patientId, key.period(), generation, figures, version, Instant.ofEpochMilli(now));
    context()
        .forward(
            new Record<>(
                patientId,
                summary.json().getBytes(StandardCharsets.UTF_8),
                timestamp,
                MapProcessor.headers(OBSERVATION, summary.id(), source)));
    emitted.put(k, new SummaryState.Emitted(version, generation, hash, lastDay));
    (version == 1 ? emittedFinal : emittedAmended).increment();
  }

  /** The summary from its current contributions; null when it has none. */
  private SummaryFigures figures(Bytes k) {
    BigDecimal sum = BigDecimal.ZERO;
    long count = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    long startEpoch = Long.MAX_VALUE;
    int startOffset = 0;
    long endEpoch = Long.MIN_VALUE;
    int endOffset = 0;
    TreeSet<UUID> sources = new TreeSet<>(SummaryProcessor::compareIds);
    try (KeyValueIterator<Bytes, SummaryState.Contribution> it =
        contributions.prefixScan(k, BYTES)) {
      while (it.hasNext()) {
        KeyValue<Bytes, SummaryState.Contribution> e = it.next();
        SummaryState.Contribution c = e.value;
        sum = sum.add(c.sum());
        count += c.count();
        min = Math.min(min, c.min());
        max = Math.max(max, c.max());
        // Ties between zones go to the larger offset, so the result does not depend on arrival
        // order.
        if (c.startEpoch() < startEpoch
            || (c.startEpoch() == startEpoch && c.startOffset() > startOffset)) {
          startEpoch = c.startEpoch();
          startOffset = c.startOffset();
        }
        if (c.endEpoch() > endEpoch || (c.endEpoch() == endEpoch && c.endOffset() > endOffset)) {
          endEpoch = c.endEpoch();
          endOffset = c.endOffset();
        }
        for (UUID u : c.sources()) {
          sources.add(u);
          if (sources.size() > SummaryObservations.DERIVED_FROM_MAX) {
            sources.pollLast();
          }
        }
      }
    }
    if (count == 0) {
      return null;
    }
    return new SummaryFigures(
        sum,
        count,
        min,
        max,
        at(startEpoch, startOffset),
        at(endEpoch, endOffset),
        sources.stream().map(UUID::toString).toList());
  }

  /** Ids ordered as their text, so "the smallest ids" is what a reader sorting the strings sees. */
  private static int compareIds(UUID a, UUID b) {
    return a.toString().compareTo(b.toString());
  }

  private static OffsetDateTime at(long epochSecond, int offsetSeconds) {
    return OffsetDateTime.ofInstant(
        Instant.ofEpochSecond(epochSecond), ZoneOffset.ofTotalSeconds(offsetSeconds));
  }

  private static long hash(SummaryFigures f) {
    StringBuilder b =
        new StringBuilder(256)
            .append(f.sum().toPlainString())
            .append('|')
            .append(f.count())
            .append('|')
            .append(f.min())
            .append('|')
            .append(f.max())
            .append('|')
            .append(f.start())
            .append('|')
            .append(f.end());
    f.derivedFrom().forEach(s -> b.append('|').append(s));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /**
   * The first local date still corrected, from the wall clock (Streams' own, so tests can move it).
   */
  private long oldestKeptDay(long nowMillis) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC).toEpochDay()
        - settings.retentionDays();
  }

  /** One record's values in one period, accumulated exactly. */
  private static final class Share {
    private final long startEpoch;
    private final int startOffset;
    private final long endEpoch;
    private final int endOffset;
    private final long lastDay;
    private BigDecimal sum = BigDecimal.ZERO;
    private long count;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private final TreeSet<UUID> sources = new TreeSet<>(SummaryProcessor::compareIds);

    Share(long startEpoch, int startOffset, long endEpoch, int endOffset, long lastDay) {
      this.startEpoch = startEpoch;
      this.startOffset = startOffset;
      this.endEpoch = endEpoch;
      this.endOffset = endOffset;
      this.lastDay = lastDay;
    }

    void add(MetricPoint p) {
      // BigDecimal.valueOf: the double's shortest decimal text, so 0.1 + 0.2 is 0.3 and order does
      // not matter.
      sum = sum.add(BigDecimal.valueOf(p.value()));
      count++;
      min = Math.min(min, p.value());
      max = Math.max(max, p.value());
      if (p.observationId() != null) {
        sources.add(UUID.fromString(p.observationId()));
        if (sources.size() > SummaryObservations.DERIVED_FROM_MAX) {
          sources.pollLast();
        }
      }
    }

    SummaryState.Contribution contribution() {
      return new SummaryState.Contribution(
          sum,
          count,
          min,
          max,
          startEpoch,
          startOffset,
          endEpoch,
          endOffset,
          lastDay,
          List.copyOf(sources));
    }
  }
}
