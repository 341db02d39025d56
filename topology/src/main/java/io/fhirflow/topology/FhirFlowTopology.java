package io.fhirflow.topology;

import io.fhirflow.contracts.Tenants;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.topology.deadletter.DeadLetterProcessor;
import io.fhirflow.topology.dedupe.DedupProcessor;
import io.fhirflow.topology.dedupe.RememberVersionProcessor;
import io.fhirflow.topology.dedupe.SeenVersion;
import io.fhirflow.topology.erasure.ErasureProcessor;
import io.fhirflow.topology.fhir.DerivedResources;
import io.fhirflow.topology.fhir.EmitOnChangeProcessor;
import io.fhirflow.topology.fhir.MapProcessor;
import io.fhirflow.topology.fhir.RecordLifecycleProcessor;
import io.fhirflow.topology.ingest.DecodeProcessor;
import io.fhirflow.topology.ingest.ValidateProcessor;
import io.fhirflow.topology.metrics.DayAggregate;
import io.fhirflow.topology.metrics.LatestValue;
import io.fhirflow.topology.metrics.MetricsProcessor;
import io.fhirflow.topology.metrics.MetricsPublisher;
import io.fhirflow.topology.ops.FlowCounters;
import io.fhirflow.topology.summary.SummaryProcessor;
import io.fhirflow.topology.summary.SummaryState;
import java.time.Clock;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The fhirflow data flow as one Kafka Streams {@link Topology}:
 *
 * <pre>
 * wearable.samples.raw[.<tenant>] ─▶ decode ─▶ validate ─▶ record-lifecycle ─▶ dedupe ─▶ map ─┬▶ fhir.r4.observation
 *                           │          │             │   │                    │    ├▶ patient-changes ─▶ fhir.r4.patient
 *                           └──────────┴─────────────┼───┼──▶ dead-letter ◀───┘    ├▶ device-changes ─▶ fhir.r4.device
 *                                                    │   │         │               ├▶ remember-version (dedupe + lifecycle stores)
 *                       deletions: null-value markers┘   │         ▼               └▶ metrics ─▶ Redis (async, batched)
 *                       to fhir.r4.observation           │  wearable.samples.dlq        ▲
 *                                                        └── retractions ───────────────┘
 *
 * fhirflow.erasure.requests ─▶ erase ─┬▶ tombstones: fhir.r4.patient, fhir.r4.device; erasure marker: fhir.r4.observation
 *   (partitioned like raw: the same   ├▶ patient-changes, device-changes, metrics (forget the person; Redis keys removed)
 *    tasks, next to the person's      ├▶ fhir.r4.auditevent (the erasure's AuditEvent)
 *    state)                           └▶ dead-letter topic (not an erasure request)
 * </pre>
 *
 * Run it with {@code processing.guarantee=exactly_once_v2} ({@link
 * TopologyConfig#streamsProperties}): outputs, dead letters, store changelogs and offsets commit in
 * one transaction.
 */
public final class FhirFlowTopology {

  public static final String SOURCE = "raw-samples";
  public static final String DECODE = "decode";
  public static final String VALIDATE = "validate";
  public static final String LIFECYCLE = "record-lifecycle";
  public static final String DEDUPE = "dedupe";
  public static final String MAP = "map";
  public static final String OBSERVATIONS = "observations";
  public static final String PATIENT_CHANGES = "patient-changes";
  public static final String PATIENTS = "patients";
  public static final String DEVICE_CHANGES = "device-changes";
  public static final String DEVICES = "devices";
  public static final String REMEMBER = "remember-version";
  public static final String METRICS = "metrics";
  public static final String DEAD_LETTER = "dead-letter";
  public static final String DEAD_LETTERS = "dead-letters";
  public static final String PATIENT_HASHES = "patient-content-hashes";

  /**
   * Keyed by patient id + U+001F + device id, so a person's Devices are found by prefix when they
   * are erased.
   */
  public static final String DEVICE_HASHES = "patient-device-content-hashes";

  public static final String ERASURE_SOURCE = "erasure-requests";
  public static final String ERASE = "erase";
  public static final String AUDIT = "audit-events";
  public static final String ERASE_DEAD_LETTERS = "erasure-dead-letters";
  public static final String SUMMARIES = "summaries";

  private FhirFlowTopology() {}

  /**
   * Builds the topology.
   *
   * @param deserializer the Confluent wire-format Avro deserializer, already configured
   * @param clock time of {@code dlq.time} headers and of the metrics' "today"
   * @param publisher receives Redis batches; ignored when metrics are disabled in {@code settings}
   * @param stores every state store's RocksDB supplier passes through it first: the application
   *     passes {@code UnaryOperator.identity()}, the tests wrap them in a store that fails like a
   *     full disk
   */
  public static Topology build(
      Topics topics,
      FhirMapper mapper,
      Deserializer<WearableSample> deserializer,
      Clock clock,
      TopologySettings settings,
      FlowCounters counters,
      MetricsPublisher publisher,
      UnaryOperator<KeyValueBytesStoreSupplier> stores) {
    StringSerializer text = new StringSerializer();
    ByteArraySerializer bytes = new ByteArraySerializer();
    Topology t = new Topology();

    // Consume bytes and decode in a processor, so an undecodable record is routed, not thrown.
    // Every tenant's raw topic (docs/tenants.md): the tenant is the topic's, never the record's.
    t.addSource(
        SOURCE,
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer(),
        Tenants.rawTopics(topics.raw()));
    t.addProcessor(
        DECODE,
        () ->
            new DecodeProcessor(
                topics.raw(),
                deserializer,
                settings.recordMaxBytes(),
                counters,
                VALIDATE,
                DEAD_LETTER),
        SOURCE);
    t.addProcessor(
        VALIDATE,
        () -> new ValidateProcessor(LIFECYCLE, DEAD_LETTER, settings.futureMargin()),
        DECODE);
    // Deletions retract what their record produced; versions of a deleted record stop here.
    String summaries = settings.summaries().enabled() ? SUMMARIES : null;
    RecordLifecycleProcessor.Children lifecycle =
        new RecordLifecycleProcessor.Children(
            DEDUPE, OBSERVATIONS, settings.metricsEnabled() ? METRICS : null, summaries);
    t.addProcessor(LIFECYCLE, () -> new RecordLifecycleProcessor(counters, lifecycle), VALIDATE);
    t.addProcessor(
        DEDUPE,
        () ->
            new DedupProcessor(
                settings.dedupeRetention(),
                settings.sweepInterval(),
                settings.sweepMaxEntries(),
                counters),
        LIFECYCLE);
    MapProcessor.Children children =
        new MapProcessor.Children(
            OBSERVATIONS,
            PATIENT_CHANGES,
            DEVICE_CHANGES,
            REMEMBER,
            settings.metricsEnabled() ? METRICS : null,
            DEAD_LETTER,
            summaries);
    t.addProcessor(
        MAP, () -> new MapProcessor(mapper, counters, children, settings.sendMaxBytes()), DEDUPE);

    // Erasure requests are read in the same tasks as the raw samples (same key, same partition
    // count), so this step reaches the person's entries in every store of the sub-topology.
    t.addSource(
        ERASURE_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.erasure());
    ErasureProcessor.Children erase =
        new ErasureProcessor.Children(
            OBSERVATIONS,
            PATIENTS,
            DEVICES,
            PATIENT_CHANGES,
            DEVICE_CHANGES,
            settings.metricsEnabled() ? METRICS : null,
            AUDIT,
            ERASE_DEAD_LETTERS,
            summaries);
    t.addProcessor(
        ERASE,
        () -> new ErasureProcessor(clock, counters, erase, settings.sendMaxBytes()),
        ERASURE_SOURCE);
    t.addSink(AUDIT, topics.audit(), text, text, ERASE);
    t.addSink(ERASE_DEAD_LETTERS, topics.deadLetter(), bytes, bytes, ERASE);

    // Observations arrive as UTF-8 bytes: the map step encoded them once, to check their size.
    // Summaries see every mapped version and every deletion, and write to the Observation topic
    // too.
    if (summaries != null) {
      t.addProcessor(
          SUMMARIES, () -> new SummaryProcessor(settings, counters), MAP, LIFECYCLE, ERASE);
      t.addSink(OBSERVATIONS, topics.observation(), text, bytes, MAP, LIFECYCLE, ERASE, SUMMARIES);
    } else {
      t.addSink(OBSERVATIONS, topics.observation(), text, bytes, MAP, LIFECYCLE, ERASE);
    }
    // Every sample carries its Patient and Device; only new or changed ones reach the compacted
    // topics.
    t.addProcessor(PATIENT_CHANGES, () -> new EmitOnChangeProcessor(PATIENT_HASHES), MAP, ERASE);
    t.addSink(PATIENTS, topics.patient(), text, text, PATIENT_CHANGES, ERASE);
    t.addProcessor(
        DEVICE_CHANGES, () -> new EmitOnChangeProcessor(DEVICE_HASHES, true), MAP, ERASE);
    t.addSink(DEVICES, topics.device(), text, text, DEVICE_CHANGES, ERASE);
    // The accepted version is stored only after mapping succeeded, with its day contributions.
    t.addProcessor(REMEMBER, RememberVersionProcessor::new, MAP);
    if (settings.metricsEnabled()) {
      t.addProcessor(
          METRICS, () -> new MetricsProcessor(publisher, clock, settings), MAP, LIFECYCLE, ERASE);
    }

    t.addProcessor(
        DEAD_LETTER,
        () -> new DeadLetterProcessor(topics.raw(), clock, counters, settings.sendMaxBytes()),
        DECODE,
        VALIDATE,
        MAP);
    t.addSink(DEAD_LETTERS, topics.deadLetter(), bytes, bytes, DEAD_LETTER);

    t.addStateStore(
        // No record cache: ids are written once and rarely read again, so caching would only add
        // eviction work; every put goes straight to RocksDB and the changelog.
        Stores.timestampedKeyValueStoreBuilder(
                stores.apply(Stores.persistentTimestampedKeyValueStore(DedupProcessor.STORE)),
                Serdes.Bytes(),
                SeenVersion.serde())
            .withCachingDisabled(),
        DEDUPE,
        REMEMBER,
        ERASE);
    t.addStateStore(
        // Never expires (a record may be deleted at any age); cached, since a record's deletion or
        // next version usually comes soon after it and the remember step reads what lifecycle read.
        Stores.keyValueStoreBuilder(
                stores.apply(Stores.persistentKeyValueStore(RecordLifecycleProcessor.STORE)),
                Serdes.Bytes(),
                DerivedResources.serde())
            .withCachingEnabled(),
        LIFECYCLE,
        MAP,
        REMEMBER,
        ERASE);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
                stores.apply(Stores.persistentKeyValueStore(PATIENT_HASHES)),
                Serdes.String(),
                Serdes.ByteArray())
            .withCachingEnabled(),
        PATIENT_CHANGES,
        ERASE);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
                stores.apply(Stores.persistentKeyValueStore(DEVICE_HASHES)),
                Serdes.String(),
                Serdes.ByteArray())
            .withCachingEnabled(),
        DEVICE_CHANGES,
        ERASE);
    if (settings.metricsEnabled()) {
      t.addStateStore(
          Stores.keyValueStoreBuilder(
                  stores.apply(Stores.persistentKeyValueStore(MetricsProcessor.DAYS_STORE)),
                  Serdes.String(),
                  DayAggregate.serde())
              .withCachingEnabled(),
          METRICS,
          ERASE);
      t.addStateStore(
          Stores.keyValueStoreBuilder(
                  stores.apply(Stores.persistentKeyValueStore(MetricsProcessor.LATEST_STORE)),
                  Serdes.String(),
                  LatestValue.serde())
              .withCachingEnabled(),
          METRICS,
          ERASE);
      // A put when a value changes, a delete once Redis confirmed it (about a flush interval
      // later): two small changelog records per changed value and tick.
      t.addStateStore(
          Stores.keyValueStoreBuilder(
                  stores.apply(Stores.persistentKeyValueStore(MetricsProcessor.UNWRITTEN_STORE)),
                  Serdes.String(),
                  Serdes.ByteArray())
              .withCachingEnabled(),
          METRICS);
      t.addStateStore(
          Stores.keyValueStoreBuilder(
                  stores.apply(Stores.persistentKeyValueStore(MetricsProcessor.ERASURES_STORE)),
                  Serdes.String(),
                  Serdes.Long())
              .withCachingDisabled(),
          METRICS);
    }
    if (summaries != null) {
      // Both change with nearly every sample that feeds a summary: write-behind (objects in front,
      // no record cache), so the entries one user's sync batch touches are encoded and
      // changelogged once per commit (SummaryState.recordsStore).
      t.addStateStore(
          SummaryState.recordsStore(
              stores.apply(Stores.persistentKeyValueStore(SummaryState.RECORDS))),
          SUMMARIES);
      t.addStateStore(
          SummaryState.aggregatesStore(
              stores.apply(Stores.persistentKeyValueStore(SummaryState.AGGREGATES))),
          SUMMARIES);
    }
    return t;
  }
}
