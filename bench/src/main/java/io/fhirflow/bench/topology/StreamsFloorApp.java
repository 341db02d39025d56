package io.fhirflow.bench.topology;

import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.FhirResource;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.topology.FhirFlowTopology;
import io.fhirflow.topology.dedupe.DedupProcessor;
import io.fhirflow.topology.fhir.FhirTopicHeaders;
import io.fhirflow.topology.fhir.RecordLifecycleProcessor;
import io.fhirflow.topology.metrics.MetricsProcessor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The Streams floor (issue 19 item 1): what Kafka Streams' own machinery costs for the topology's
 * write pattern, with no fhirflow code on the record path. A second ceiling beside {@link
 * PassThroughApp}, with the same settings ({@link CeilingStreamsProperties}: exactly_once_v2,
 * threads, commit interval, the topology's producer settings, RocksDB and record-cache defaults as
 * the topology leaves them). Per raw record, with trivial computation:
 *
 * <ol>
 *   <li>a get and a put on a persistent, changelogged, uncached timestamped key-value store named
 *       like the dedupe store, keyed like it (platform byte, user-id length, the raw key, then 36
 *       bytes in place of the record id: a UUID string of two hashes of the raw value, so an exact
 *       duplicate finds its entry as in the topology);
 *   <li>puts to the topology's other changelogged stores, same names and caching, at the rates the
 *       topology's changelogs took per sample ({@link #FURTHER_STORES}), keys the same identity,
 *       values a slice of the raw value of about the topology's changelog record size;
 *   <li>records forwarded to an Observation, a Patient and a Device topic at the topology's rates
 *       ({@link #OUTPUTS}), taken in turn from a pool of real mapped resources with their real
 *       headers, so their size and compressibility are the topology's. The pool is mapped once when
 *       the app is built, before it starts.
 * </ol>
 *
 * Rates below 1 are met exactly on average by a running balance per task (no randomness). Where a
 * rate comes from: the topology's StreamsWriteReport in a run of the command below (2026-12-07
 * 20:46-20:59 UTC, code of c3fda02, load 11.6-14): 4.423 records and 319 compressed bytes per
 * sample (dedupe 1.001, lifecycle 0.952, metrics 0.791, Patient/Device hashes 0.007 changelog
 * records; Observations 1.666, Patients 0.002, Devices 0.005). The Patient, Device and latest-value
 * rates fall with a longer warm-up (more users already seen): a 200,000-sample warm-up gave 4.579
 * records. The benchmark prints what the floor wrote in the same table form, so each run shows
 * whether the floor still matches the topology's writes. Run it beside the pass-through and the
 * topology:
 *
 * <pre>
 * mvn -q -o -pl bench -am verify -DskipTests -Dspotless.check.skip=true -Ptopology-bench \
 *   -Dbench.jvm="-Dbench=topology -Dbench.producer.totals=true" \
 *   -Dbench.args="--samples=300000 --latency-seconds=0 --warmup=1000000 --floor=true"
 * </pre>
 *
 * What it leaves out, so it is a floor and not a model: Avro decoding, mapping, hashing, the
 * metrics branch's own work and Redis, the topology's 12 processor nodes (here one), the record
 * cache's coalescing of repeated puts (here one put per changelog record), punctuators.
 */
final class StreamsFloorApp implements AutoCloseable {

  /** The output topics the floor writes, one for each of the topology's per-sample outputs. */
  enum Output {
    OBSERVATION(PipelineTopic.Names.OBSERVATION),
    PATIENT(PipelineTopic.Names.PATIENT),
    DEVICE(PipelineTopic.Names.DEVICE);

    final String topic;

    Output(String topologyTopic) {
      this.topic = "bench.floor." + topologyTopic;
    }
  }

  /** One of the topology's changelogged stores, as the floor writes it. */
  record StoreWrites(String name, double putsPerSample, boolean cached, int valueBytes) {}

  /**
   * The dedupe store: a get and a put for every raw record. Value sizes here and below: first the
   * topology's changelog bytes per record over the topic's lz4 ratio, less the key and Kafka's
   * record framing (~15 bytes), from the run named in the class comment; then the dedupe and
   * lifecycle values resized (twice, after the runs of 20:46 and 21:02 UTC) so that the floor's
   * compressed changelog bytes per sample came near the topology's: slices of Avro and these keys
   * compress differently from the stores' codecs and keys.
   */
  static final StoreWrites SEEN = new StoreWrites(DedupProcessor.STORE, 1.0, false, 32);

  /**
   * The topology's other changelogged stores at its changelog records per sample (a cached store's
   * repeated puts of one key count once, as they reach the changelog once). Its tombstones of
   * {@code metrics-redis-unwritten} are puts of a 1-byte value here. The three metrics stores'
   * rates are the class comment's 0.791 metrics changelog records split by store (the same
   * StreamsWriteReport lists each changelog), the two hash stores' its 0.007.
   */
  static final List<StoreWrites> FURTHER_STORES =
      List.of(
          new StoreWrites(RecordLifecycleProcessor.STORE, 0.952, true, 150),
          new StoreWrites(MetricsProcessor.DAYS_STORE, 0.237, true, 45),
          new StoreWrites(MetricsProcessor.LATEST_STORE, 0.041, true, 8),
          new StoreWrites(MetricsProcessor.UNWRITTEN_STORE, 0.513, true, 1),
          new StoreWrites(FhirFlowTopology.PATIENT_HASHES, 0.002, true, 32),
          new StoreWrites(FhirFlowTopology.DEVICE_HASHES, 0.005, true, 32));

  /** The topology's output records per sample, by topic. */
  static final Map<Output, Double> OUTPUTS =
      Map.of(Output.OBSERVATION, 1.666, Output.PATIENT, 0.002, Output.DEVICE, 0.005);

  /** Distinct samples mapped for the output pool: far more bytes than lz4's 64 KiB window. */
  private static final int POOL_SAMPLES = 4_000;

  private static final String SOURCE = "raw";
  private static final String FLOOR = "floor";

  private final AtomicLong processed = new AtomicLong();
  private final String applicationId;
  private final KafkaStreams streams;

  StreamsFloorApp(
      String bootstrap, String from, int threads, int commitIntervalMs, String stateDir) {
    Topology t = topology(from, processed);
    Properties props =
        CeilingStreamsProperties.of(
            "bench-streams-floor-", bootstrap, threads, commitIntervalMs, stateDir, false);
    applicationId = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    streams = new KafkaStreams(t, props);
    streams.start();
  }

  /**
   * The floor's one processor reading the raw topic {@code from} with its stores and output sinks;
   * each record it has processed adds one to {@code processed}.
   */
  static Topology topology(String from, AtomicLong processed) {
    Map<Output, List<PooledRecord>> pool = pool();
    Topology t = new Topology();
    t.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), from);
    t.addProcessor(FLOOR, () -> new FloorProcessor(pool, processed), SOURCE);
    for (Output o : Output.values()) {
      t.addSink(o.name(), o.topic, new StringSerializer(), new ByteArraySerializer(), FLOOR);
    }
    t.addStateStore(
        Stores.timestampedKeyValueStoreBuilder(
                Stores.persistentTimestampedKeyValueStore(SEEN.name()),
                Serdes.Bytes(),
                Serdes.ByteArray())
            .withCachingDisabled(),
        FLOOR);
    for (StoreWrites s : FURTHER_STORES) {
      var builder =
          Stores.keyValueStoreBuilder(
              Stores.persistentKeyValueStore(s.name()), Serdes.Bytes(), Serdes.ByteArray());
      t.addStateStore(s.cached() ? builder.withCachingEnabled() : builder, FLOOR);
    }
    return t;
  }

  /** The topics the floor writes; the benchmark creates them with the raw topic's partitions. */
  static String[] topics() {
    return Arrays.stream(Output.values()).map(o -> o.topic).toArray(String[]::new);
  }

  long processed() {
    return processed.get();
  }

  /** Its changelogs are named {@code <application id>-<store>-changelog}. */
  String applicationId() {
    return applicationId;
  }

  KafkaStreams streams() {
    return streams;
  }

  @Override
  public void close() {
    streams.close();
  }

  /** A record to send as it is: key, value bytes and headers, as the topology would write it. */
  private record PooledRecord(String key, byte[] value, Header[] headers) {}

  /**
   * Real resources mapped from generated samples (once, before the app starts), with the headers
   * the topology puts on them.
   */
  private static Map<Output, List<PooledRecord>> pool() {
    FhirMapper mapper = new FhirMapper(MappingCatalogue.builtIn());
    // The benchmark's default 10,000 users (--users), so the pool's patients and devices are spread
    // over users as its input's are; no duplicates or deletion markers, which add no resource to
    // the pool. The seed only has to be fixed so every run pools the same resources.
    SampleGenerator samples =
        new SampleGenerator(99, 10_000, 0, 0, Instant.now(), SampleGenerator.Shape.BACKFILL);
    Map<Output, List<PooledRecord>> pool = new EnumMap<>(Output.class);
    for (Output o : Output.values()) {
      pool.put(o, new ArrayList<>());
    }
    for (int i = 0; i < POOL_SAMPLES; i++) {
      WearableSample s = samples.next();
      if (!(mapper.map(Tenants.DEFAULT, s, false) instanceof Mapped mapped)) {
        continue;
      }
      byte[] recordId = s.getRecordId().getBytes(StandardCharsets.UTF_8);
      String patientId = mapped.patient().id();
      for (FhirResource o : mapped.observations()) {
        pool.get(Output.OBSERVATION).add(pooled(patientId, o, recordId));
      }
      pool.get(Output.PATIENT).add(pooled(patientId, mapped.patient(), recordId));
      mapped.device().ifPresent(d -> pool.get(Output.DEVICE).add(pooled(d.id(), d, recordId)));
    }
    return pool;
  }

  private static PooledRecord pooled(String key, FhirResource resource, byte[] recordId) {
    return new PooledRecord(
        key,
        resource.json().getBytes(StandardCharsets.UTF_8),
        FhirTopicHeaders.of(Tenants.DEFAULT, resource, recordId).toArray());
  }

  /** The floor's one processor: the topology's state and output writes, none of its work. */
  private static final class FloorProcessor implements Processor<byte[], byte[], String, byte[]> {

    private final Map<Output, List<PooledRecord>> pool;
    private final AtomicLong processed;
    private final List<KeyValueStore<Bytes, byte[]>> further = new ArrayList<>();
    private final double[] putsOwed = new double[FURTHER_STORES.size()];
    private final double[] outputsOwed = new double[Output.values().length];
    private final int[] nextPooled = new int[Output.values().length];
    private ProcessorContext<String, byte[]> context;
    private TimestampedKeyValueStore<Bytes, byte[]> seen;

    FloorProcessor(Map<Output, List<PooledRecord>> pool, AtomicLong processed) {
      this.pool = pool;
      this.processed = processed;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
      seen = context.getStateStore(SEEN.name());
      for (StoreWrites s : FURTHER_STORES) {
        further.add(context.getStateStore(s.name()));
      }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      byte[] raw = record.value();
      Bytes identity = identity(record.key(), raw);
      // Read like the dedupe step; the answer changes nothing, as the rates are per sample.
      seen.get(identity);
      seen.put(identity, ValueAndTimestamp.make(slice(raw, SEEN.valueBytes()), record.timestamp()));
      for (int i = 0; i < further.size(); i++) {
        StoreWrites s = FURTHER_STORES.get(i);
        putsOwed[i] += s.putsPerSample();
        for (int n = 0; putsOwed[i] >= 1; n++, putsOwed[i]--) {
          // A second put in one record gets its own key, so a cached store does not fold it away.
          further.get(i).put(n == 0 ? identity : suffixed(identity, n), slice(raw, s.valueBytes()));
        }
      }
      for (Output o : Output.values()) {
        int i = o.ordinal();
        outputsOwed[i] += OUTPUTS.get(o);
        List<PooledRecord> records = pool.get(o);
        for (; outputsOwed[i] >= 1 && !records.isEmpty(); outputsOwed[i]--) {
          PooledRecord p = records.get(nextPooled[i]);
          nextPooled[i] = (nextPooled[i] + 1) % records.size();
          context.forward(
              new Record<>(p.key(), p.value(), record.timestamp(), new RecordHeaders(p.headers())),
              o.name());
        }
      }
      processed.incrementAndGet();
    }
  }

  /**
   * The dedupe key's layout and size, with a hash of the value as the record id, written like the
   * benchmark's record ids ({@code new UUID(0x5eed, sequence)}, mostly zeros) so the changelog
   * compresses like the topology's. Equal values (the input's exact duplicates) get equal keys; two
   * distinct ones share a key about once in 4 billion pairs, a few hundred keys of a run.
   */
  static Bytes identity(byte[] user, byte[] raw) {
    byte[] record =
        new UUID(0x5eedL, Integer.toUnsignedLong(Arrays.hashCode(raw)))
            .toString()
            .getBytes(StandardCharsets.US_ASCII);
    return Bytes.wrap(
        ByteBuffer.allocate(1 + 4 + user.length + record.length)
            .put((byte) 0)
            .putInt(user.length)
            .put(user)
            .put(record)
            .array());
  }

  private static Bytes suffixed(Bytes identity, int n) {
    byte[] key = Arrays.copyOf(identity.get(), identity.get().length + 1);
    key[key.length - 1] = (byte) n;
    return Bytes.wrap(key);
  }

  /** {@code n} bytes of the raw value (zero-padded): a value of the topology's size and entropy. */
  private static byte[] slice(byte[] raw, int n) {
    return Arrays.copyOf(raw, n);
  }
}
