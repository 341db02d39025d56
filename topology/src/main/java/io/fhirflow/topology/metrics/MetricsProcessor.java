package io.fhirflow.topology.metrics;

import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.mapping.MetricPoint;
import io.fhirflow.topology.TopologySettings;
import io.fhirflow.topology.dedupe.ExpirySweep;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps per patient the latest value of each metric and per local day the totals (cumulative
 * metrics) or min/max/avg (rates) in state, and queues their new absolute values for Redis.
 *
 * <p>The values live in changelogged stores, so a restart or rebalance resumes from the committed
 * state and recomputes the same absolute values; Redis only ever gets {@code HSET} of a complete
 * value plus an expiry, never an increment, so replays cannot double count. Changed values are
 * coalesced per key and field and handed to the {@link MetricsPublisher} as one batch per
 * wall-clock tick; the publisher never blocks this thread. A changed value's key stays in {@link
 * #UNWRITTEN_STORE} until Redis confirmed a batch holding it, so a batch that was dropped or failed
 * (Redis slow or down), or a process that died before writing, never loses a value: the keys are
 * offered again once Redis answers, by this task or by its next owner. When Redis lost values it
 * had taken (the publisher's {@link MetricsPublisher#lossGeneration}), the whole view is rewritten
 * from the stores.
 *
 * <p>Entries are keyed by {@link TenantPatient}: a patient's tenant is part of their keys in state
 * and in Redis ({@link RedisKeyLayout}), so two tenants' views never share a key.
 *
 * <p>Erasure: a record with a null value erases its patient (its key a {@link TenantPatient#key()};
 * ErasureProcessor has removed their entries from the day and latest stores). What is pending or
 * unwritten for them is dropped and their key goes into {@link #ERASURES_STORE}; each tick, before
 * that tick's batch, publishes the removal of their Redis keys ({@link RedisWrite#erasure}) and
 * forgets the entry only once the publisher reports it written, so a failure, or a restart of the
 * task anywhere, asks again.
 */
public final class MetricsProcessor extends ContextualProcessor<String, MetricsUpdate, Void, Void> {

  public static final String DAYS_STORE = "metrics-day-aggregates";
  public static final String LATEST_STORE = "metrics-latest-values";

  /**
   * Keys of {@link #DAYS_STORE} and {@link #LATEST_STORE} whose current value Redis has not
   * confirmed yet. Written in the same transaction as the value, removed once a batch holding it
   * was written: whoever runs the task next (after a crash, a rebalance, a failed batch) offers
   * them again.
   */
  public static final String UNWRITTEN_STORE = "metrics-redis-unwritten";

  private static final byte[] UNWRITTEN = {1};

  /**
   * Patients erased whose Redis keys are not yet confirmed removed: {@link TenantPatient#key()} →
   * when erased.
   */
  public static final String ERASURES_STORE = "metrics-redis-erasures";

  /** Flush early when this many values are pending, to bound memory between ticks. */
  private static final int MAX_PENDING = 20_000;

  private final MetricsPublisher publisher;
  private final Clock clock;
  private final int retentionDays;
  private final Duration flushInterval;
  private final Duration sweepInterval;
  private final int sweepMaxEntries;
  private final RedisKeyLayout keys;

  /**
   * Changed values by store key; formatted as Redis writes only at flush, so a value changed many
   * times in a tick is formatted once.
   */
  private final Map<String, Changed> pending = new LinkedHashMap<>();

  private KeyValueStore<String, DayAggregate> days;
  private KeyValueStore<String, LatestValue> latest;
  private KeyValueStore<String, byte[]> unwritten;
  private KeyValueStore<String, Long> erasures;

  /** Erasures published whose outcome is not known yet, and the outcomes reported (any thread). */
  private final java.util.Set<String> erasing = new java.util.HashSet<>();

  private Queue<ErasureOutcome> erased = new ConcurrentLinkedQueue<>();

  /** Batches handed to the publisher whose outcome is not known yet: their tracked keys. */
  private final Map<Long, List<String>> inFlight = new HashMap<>();

  /** The last batch each tracked key went out in, while in flight. */
  private final Map<String, Long> sentIn = new HashMap<>();

  /**
   * Outcomes reported by the publisher (any thread), taken in on the stream thread at each tick.
   */
  private Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();

  private long batchSeq;

  /**
   * Whether {@link #UNWRITTEN_STORE} may hold keys that are neither pending nor in flight, and
   * where the scan for them stands.
   */
  private boolean retry;

  private String retryCursor;

  /**
   * The publisher's loss generation this task's view was last rewritten for, and the rewrite's
   * progress.
   */
  private long healedGeneration;

  private boolean replaying;
  private boolean daysDone;
  private String dayCursor;
  private String latestCursor;

  public MetricsProcessor(MetricsPublisher publisher, Clock clock, TopologySettings settings) {
    this.publisher = publisher;
    this.clock = clock;
    this.retentionDays = settings.metricsDayRetentionDays();
    this.flushInterval = settings.metricsFlushInterval();
    this.sweepInterval = settings.sweepInterval();
    this.sweepMaxEntries = settings.sweepMaxEntries();
    this.keys = new RedisKeyLayout(settings.redisKeyPrefix());
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    super.init(context);
    pending.clear();
    days = context.getStateStore(DAYS_STORE);
    latest = context.getStateStore(LATEST_STORE);
    unwritten = context.getStateStore(UNWRITTEN_STORE);
    erasures = context.getStateStore(ERASURES_STORE);
    erasing.clear();
    erased = new ConcurrentLinkedQueue<>();
    inFlight.clear();
    sentIn.clear();
    // A fresh queue: outcomes of batches of an earlier life of this task land in the old one.
    outcomes = new ConcurrentLinkedQueue<>();
    // Whatever the task's previous owner did not see written (it crashed, or Redis was down) goes
    // again.
    retry = true;
    retryCursor = null;
    // A task that starts replays nothing: what Redis lost before it is healed by the loss signal.
    healedGeneration = publisher.lossGeneration();
    dayCursor = null;
    latestCursor = null;
    replaying = false;
    context.schedule(
        flushInterval,
        PunctuationType.WALL_CLOCK_TIME,
        now -> {
          settle();
          settleErasures();
          heal();
          retryUnwritten();
          eraseInRedis();
          flush();
        });
    ExpirySweep<String, DayAggregate> daySweep = new ExpirySweep<>(days, sweepMaxEntries);
    ExpirySweep<String, LatestValue> latestSweep = new ExpirySweep<>(latest, sweepMaxEntries);
    context.schedule(
        sweepInterval,
        PunctuationType.WALL_CLOCK_TIME,
        now -> {
          long oldest = oldestKeptDay();
          daySweep.run(a -> a.epochDay() < oldest);
          latestSweep.run(v -> Math.floorDiv(v.timeMillis(), 86_400_000L) < oldest);
        });
  }

  @Override
  public void process(Record<String, MetricsUpdate> record) {
    MetricsUpdate update = record.value();
    if (update == null) {
      erase(record.key(), record.timestamp());
      return;
    }
    TenantPatient who = TenantPatient.of(update.tenant(), update.patientId());
    long oldest = oldestKeptDay();
    // Take the previous version's share out first, so an updated step count replaces, not adds.
    for (DayContribution c : update.retract()) {
      if (c.epochDay() >= oldest) {
        String key = dayKey(who, c.metric(), c.epochDay());
        DayAggregate agg = days.get(key);
        if (agg != null) {
          store(who, c.metric(), key, agg.minus(c));
        }
      }
    }
    for (DayAggregates.Part part : update.parts()) {
      if (part.epochDay() < oldest) {
        continue;
      }
      String key = dayKey(who, part.metric(), part.epochDay());
      DayAggregate agg = days.get(key);
      if (agg == null) {
        agg = DayAggregate.empty(part.kind(), part.unit(), part.epochDay());
      }
      store(who, part.metric(), key, agg.plus(part.sum(), part.count(), part.min(), part.max()));
    }
    updateLatest(who, update);
    if (pending.size() >= MAX_PENDING) {
      flush();
    }
  }

  private void updateLatest(TenantPatient who, MetricsUpdate update) {
    Map<String, MetricPoint> newest = new HashMap<>();
    for (MetricPoint p : update.points()) {
      if (p.kind() == io.fhirflow.mapping.MetricKind.DURATION) {
        continue; // sleep-stage minutes feed the summaries only, not the Redis view
      }
      newest.merge(p.metric(), p, (a, b) -> b.time().isAfter(a.time()) ? b : a);
    }
    for (MetricPoint p : newest.values()) {
      String key = who.storePrefix() + p.metric();
      LatestValue current = latest.get(key);
      // Samples arrive out of order (sync batches newest first): only a later measurement wins.
      if (current == null || p.time().toEpochMilli() >= current.timeMillis()) {
        LatestValue value = new LatestValue(p.value(), p.unit(), p.time().toEpochMilli());
        latest.put(key, value);
        track(key, new Changed(who, p.metric(), null, value, true));
      }
    }
  }

  private void store(TenantPatient who, String metric, String key, DayAggregate agg) {
    days.put(key, agg);
    track(key, new Changed(who, metric, agg, null, true));
  }

  /** A changed value: pending for the next flush, and unwritten until Redis confirms it. */
  private void track(String key, Changed changed) {
    if (pending.put(key, changed) == null) {
      unwritten.put(key, UNWRITTEN);
    }
  }

  /**
   * Pending without replacing a tracked entry's flag (a rewrite of a value that is also unwritten).
   */
  private void pend(String key, Changed changed) {
    pending.merge(key, changed, (old, now) -> old.tracked() ? now.withTracked() : now);
  }

  /**
   * Takes in what the publisher reported: a written batch confirms its keys (unless they changed or
   * went out again since); a batch that was not written leaves them in the unwritten store and
   * starts a retry scan once the publisher has room again.
   */
  private void settle() {
    Outcome o;
    while ((o = outcomes.poll()) != null) {
      List<String> keys = inFlight.remove(o.batch());
      if (keys == null) {
        continue;
      }
      for (String key : keys) {
        if (sentIn.get(key) == o.batch()) {
          sentIn.remove(key);
          if (o.written() && !pending.containsKey(key)) {
            unwritten.delete(key);
          }
        }
      }
      if (!o.written()) {
        retry = true;
        retryCursor = null;
      }
    }
  }

  /**
   * Offers again, a slice per tick while the publisher has room, the unwritten values that are
   * neither pending nor in flight, read from the stores as they are now.
   */
  private void retryUnwritten() {
    if (!retry || !publisher.hasRoom()) {
      return;
    }
    try (KeyValueIterator<String, byte[]> it =
        retryCursor == null ? unwritten.all() : unwritten.range(retryCursor, null)) {
      while (it.hasNext() && pending.size() < MAX_PENDING) {
        String key = it.next().key;
        retryCursor = key;
        if (pending.containsKey(key) || sentIn.containsKey(key)) {
          continue;
        }
        Changed current = current(key);
        if (current == null) {
          unwritten.delete(key); // expired and swept meanwhile: nothing left to write
        } else {
          pending.put(key, current);
        }
      }
      if (!it.hasNext()) {
        retry = false;
        retryCursor = null;
      }
    }
  }

  /**
   * The current value of a day-aggregate key (patient|metric|epochDay) or latest-value key
   * (patient|metric), tracked.
   */
  private Changed current(String key) {
    int last = key.lastIndexOf('|');
    int first = key.indexOf('|');
    TenantPatient who = TenantPatient.ofKey(key);
    if (first == last) {
      LatestValue value = latest.get(key);
      return value == null ? null : new Changed(who, key.substring(first + 1), null, value, true);
    }
    DayAggregate agg = days.get(key);
    return agg == null ? null : new Changed(who, key.substring(first + 1, last), agg, null, true);
  }

  /**
   * Redis lost values (the publisher's loss generation grew): rewrite this task's whole view from
   * its stores, a slice per tick (at most {@link #MAX_PENDING} values, and only while the publisher
   * has room, so the rewrite itself is not dropped), day aggregates first, then latest values. A
   * loss during the rewrite restarts it. Values are read at the time of the slice, so they are as
   * current as anything the processing path writes.
   */
  private void heal() {
    long generation = publisher.lossGeneration();
    if (generation != healedGeneration) {
      healedGeneration = generation;
      replaying = true;
      dayCursor = null;
      latestCursor = null;
      daysDone = false;
    }
    if (!replaying || !publisher.hasRoom()) {
      return;
    }
    long oldest = oldestKeptDay();
    if (!daysDone) {
      try (KeyValueIterator<String, DayAggregate> it =
          dayCursor == null ? days.all() : days.range(dayCursor, null)) {
        while (it.hasNext() && pending.size() < MAX_PENDING) {
          KeyValue<String, DayAggregate> e = it.next();
          dayCursor = e.key;
          if (e.value.epochDay() >= oldest) {
            int metricEnd = e.key.lastIndexOf('|');
            int patientEnd = e.key.lastIndexOf('|', metricEnd - 1);
            pend(
                e.key,
                new Changed(
                    TenantPatient.ofKey(e.key),
                    e.key.substring(patientEnd + 1, metricEnd),
                    e.value,
                    null,
                    false));
          }
        }
        daysDone = !it.hasNext();
      }
      if (!daysDone) {
        return;
      }
    }
    try (KeyValueIterator<String, LatestValue> it =
        latestCursor == null ? latest.all() : latest.range(latestCursor, null)) {
      while (it.hasNext() && pending.size() < MAX_PENDING) {
        KeyValue<String, LatestValue> e = it.next();
        latestCursor = e.key;
        int patientEnd = e.key.lastIndexOf('|');
        pend(
            e.key,
            new Changed(
                TenantPatient.ofKey(e.key), e.key.substring(patientEnd + 1), null, e.value, false));
      }
      replaying = it.hasNext();
    }
  }

  /** {@code patientKey}: the erased patient's {@link TenantPatient#key()}. */
  private void erase(String patientKey, long time) {
    // Every key of the patient in the stores and the pending map starts with this.
    String prefix = TenantPatient.ofKey(patientKey).storePrefix();
    pending.keySet().removeIf(k -> k.startsWith(prefix));
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        unwritten.prefixScan(
            prefix, new org.apache.kafka.common.serialization.StringSerializer())) {
      it.forEachRemaining(e -> keys.add(e.key));
    }
    keys.forEach(unwritten::delete);
    erasures.put(patientKey, time);
  }

  /** Publishes the removal of each erased patient's keys that is not already on its way. */
  private void eraseInRedis() {
    try (KeyValueIterator<String, Long> it = erasures.all()) {
      while (it.hasNext()) {
        String patientKey = it.next().key;
        if (erasing.add(patientKey)) {
          Queue<ErasureOutcome> to = erased;
          publisher.publish(
              List.of(RedisWrite.erasure(TenantPatient.ofKey(patientKey).redisBase(keys))),
              written -> to.add(new ErasureOutcome(patientKey, written)));
        }
      }
    }
  }

  /** A removal reported written is done; one that was not is published again on this tick. */
  private void settleErasures() {
    ErasureOutcome o;
    while ((o = erased.poll()) != null) {
      erasing.remove(o.patientKey());
      if (o.written()) {
        erasures.delete(o.patientKey());
      }
    }
  }

  private long oldestKeptDay() {
    return LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC).toEpochDay()
        - retentionDays;
  }

  private static String dayKey(TenantPatient who, String metric, long epochDay) {
    return who.storePrefix() + metric + '|' + epochDay;
  }

  private void flush() {
    if (pending.isEmpty()) {
      return;
    }
    long latestExpiry = keys.latestExpiry(clock.instant(), retentionDays);
    long seq = ++batchSeq;
    List<RedisWrite> batch = new ArrayList<>(pending.size());
    List<String> tracked = new ArrayList<>();
    for (Map.Entry<String, Changed> e : pending.entrySet()) {
      Changed c = e.getValue();
      batch.add(
          c.day != null
              ? new RedisWrite(
                  keys.day(
                      c.who.tenant(), c.who.patientId(), LocalDate.ofEpochDay(c.day.epochDay())),
                  c.metric,
                  c.day.toJson(),
                  keys.dayExpiry(c.day.epochDay(), retentionDays))
              : new RedisWrite(
                  keys.latest(c.who.tenant(), c.who.patientId()),
                  c.metric,
                  c.latest.toJson(),
                  latestExpiry));
      if (c.tracked) {
        tracked.add(e.getKey());
        sentIn.put(e.getKey(), seq);
      }
    }
    pending.clear();
    inFlight.put(seq, tracked);
    Queue<Outcome> to = outcomes;
    publisher.publish(batch, written -> to.add(new Outcome(seq, written)));
  }

  /**
   * A day aggregate or a latest value that changed since the last flush; {@code tracked} when its
   * key is in {@link #UNWRITTEN_STORE} (a change or a retry, not a rewrite of a value Redis had).
   */
  private record Changed(
      TenantPatient who, String metric, DayAggregate day, LatestValue latest, boolean tracked) {
    Changed withTracked() {
      return new Changed(who, metric, day, latest, true);
    }
  }

  /** What the publisher said about the removal of an erased patient's keys. */
  private record ErasureOutcome(String patientKey, boolean written) {}

  /** What the publisher said about a batch. */
  private record Outcome(long batch, boolean written) {}

  @Override
  public void close() {
    // Values still pending or in flight are not lost: their keys are in the unwritten store, which
    // the task's next owner (this process or another) offers again from its first tick.
    pending.clear();
    inFlight.clear();
    sentIn.clear();
    erasing.clear();
  }
}
