package io.fhirflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.MockSchemaRegistryClient;
import io.fhirflow.serde.SpecificAvroDeserializer;
import io.fhirflow.serde.SpecificAvroSerializer;
import io.fhirflow.topology.metrics.MetricsPublisher;
import io.fhirflow.topology.metrics.RedisWrite;
import io.fhirflow.topology.ops.FlowCounters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real {@link FhirFlowTopology#build} on a {@link TopologyTestDriver}, with the built-in
 * catalogue, the serde's {@code mock://} registry and the production streams properties. Redis
 * batches are collected as the boundary output of the metrics branch (the Redis writer itself is
 * exercised against the real Redis in the integration tests). A test class registers it as an
 * extension ({@code @RegisterExtension}) to have it closed after each test.
 */
final class TopologyHarness implements AutoCloseable, AfterEachCallback {

  private static final RedisKeyLayout REDIS_KEYS =
      new RedisKeyLayout(RedisKeyLayout.DEFAULT_PREFIX);

  /** The wall clock of the tests: the day of the testkit's samples. */
  static final Instant NOW = Instant.parse("2026-03-14T12:00:00Z");

  static final FhirMapper MAPPER = new FhirMapper(MappingCatalogue.builtIn());

  final Topics topics = Topics.defaults();
  final String registryScope = "topology-test-" + UUID.randomUUID();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final FlowCounters counters = new FlowCounters(registry, topics.raw());
  final List<List<RedisWrite>> redisBatches = new ArrayList<>();

  /** Key prefixes the metrics branch asked the Redis writer to remove (erasures), in order. */
  final List<String> redisErasures = new ArrayList<>();

  /** What the Redis writer would report: raise it to simulate Redis losing values. */
  volatile long redisLossGeneration;

  /** Whether Redis takes batches: false makes every batch fail, as while Redis is down. */
  volatile boolean redisAnswers = true;

  private final MetricsPublisher publisher =
      new MetricsPublisher() {
        @Override
        public void publish(List<RedisWrite> batch, java.util.function.Consumer<Boolean> written) {
          if (batch.size() == 1 && batch.get(0).isErasure()) {
            redisErasures.add(batch.get(0).key());
          } else {
            redisBatches.add(batch);
          }
          written.accept(redisAnswers);
        }

        @Override
        public boolean hasRoom() {
          return redisAnswers;
        }

        @Override
        public long lossGeneration() {
          return redisLossGeneration;
        }
      };
  final TopologyTestDriver driver;
  final TestInputTopic<byte[], byte[]> raw;
  final TestOutputTopic<String, String> observations;
  final TestOutputTopic<String, String> patients;
  final TestOutputTopic<String, String> devices;
  final TestOutputTopic<byte[], byte[]> deadLetters;
  final TestInputTopic<byte[], byte[]> erasures;
  final TestOutputTopic<String, String> auditEvents;
  private final SpecificAvroSerializer<WearableSample> serializer = new SpecificAvroSerializer<>();
  private final Path stateDir;

  TopologyHarness() {
    this(Map.of());
  }

  TopologyHarness(Map<String, String> overrides) {
    this(overrides, UnaryOperator.identity(), UnaryOperator.identity());
  }

  /**
   * @param stores wraps each state store's supplier (a store that fails like a full disk)
   * @param decode wraps the Avro deserializer (a registry that cannot be reached)
   */
  TopologyHarness(
      Map<String, String> overrides,
      UnaryOperator<KeyValueBytesStoreSupplier> stores,
      UnaryOperator<Deserializer<WearableSample>> decode) {
    try {
      stateDir = Files.createTempDirectory("topology-test");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, Object> config = new HashMap<>();
    config.put(TopologyConfig.STATE_DIR_CONFIG, stateDir.toString());
    config.put(TopologyConfig.SCHEMA_REGISTRY_URL_CONFIG, "mock://" + registryScope);
    config.putAll(overrides);
    TopologyConfig topologyConfig = new TopologyConfig(config);
    serializer.configure(topologyConfig.serdeConfig(), false);
    SpecificAvroDeserializer<WearableSample> deserializer =
        new SpecificAvroDeserializer<>(WearableSample.class);
    deserializer.configure(topologyConfig.serdeConfig(), false);
    driver =
        new TopologyTestDriver(
            FhirFlowTopology.build(
                topics,
                MAPPER,
                decode.apply(deserializer),
                Clock.fixed(NOW, ZoneOffset.UTC),
                topologyConfig.settings(),
                counters,
                publisher,
                stores),
            topologyConfig.streamsProperties(counters),
            NOW);
    raw =
        driver.createInputTopic(topics.raw(), new ByteArraySerializer(), new ByteArraySerializer());
    observations = textOutput(topics.observation());
    patients = textOutput(topics.patient());
    devices = textOutput(topics.device());
    deadLetters =
        driver.createOutputTopic(
            topics.deadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    erasures =
        driver.createInputTopic(
            topics.erasure(), new ByteArraySerializer(), new ByteArraySerializer());
    auditEvents = textOutput(topics.audit());
  }

  /** A topic the topology writes String keys and JSON text to (the FHIR and audit topics). */
  private TestOutputTopic<String, String> textOutput(String topic) {
    return driver.createOutputTopic(topic, new StringDeserializer(), new StringDeserializer());
  }

  /**
   * Sends an erasure request for {@code userId} on the erasure topic, at the wall clock's time;
   * returns it.
   */
  io.fhirflow.serde.ErasureRequest erase(String userId) {
    return erase(io.fhirflow.contracts.Tenants.DEFAULT, userId);
  }

  /** Sends an erasure request for a tenant's user. */
  io.fhirflow.serde.ErasureRequest erase(String tenant, String userId) {
    io.fhirflow.serde.ErasureRequest request =
        io.fhirflow.serde.ErasureRequest.of(tenant, userId, "dpo@example.org", wallClock);
    erasures.pipeInput(
        new TestRecord<>(
            userId.getBytes(StandardCharsets.UTF_8), request.toJson(), null, wallClock));
    return request;
  }

  byte[] serialize(WearableSample sample) {
    return serializer.serialize(topics.raw(), sample);
  }

  /** Sends the sample keyed by its user id, ingested at {@link #NOW}. */
  void send(WearableSample sample) {
    send(sample, NOW);
  }

  /**
   * Sends the sample ingested at {@code ingestTime}, as the broker would stamp it (LogAppendTime):
   * the wall clock moves forward to that time first, so the record is not "from the future".
   */
  void send(WearableSample sample, Instant ingestTime) {
    advanceWallClockTo(ingestTime);
    sendRaw(sample.getUserId().getBytes(StandardCharsets.UTF_8), serialize(sample), ingestTime);
  }

  /**
   * Sends the sample with a record timestamp a producer chose (CreateTime), leaving the wall clock
   * where it is.
   */
  void sendStamped(WearableSample sample, Instant recordTimestamp) {
    sendRaw(
        sample.getUserId().getBytes(StandardCharsets.UTF_8), serialize(sample), recordTimestamp);
  }

  private Instant wallClock = NOW;

  private void advanceWallClockTo(Instant time) {
    if (time.isAfter(wallClock)) {
      driver.advanceWallClockTime(java.time.Duration.between(wallClock, time));
      wallClock = time;
    }
  }

  void advanceWallClock(java.time.Duration by) {
    driver.advanceWallClockTime(by);
    wallClock = wallClock.plus(by);
  }

  void sendRaw(byte[] key, byte[] value, Instant ingestTime) {
    raw.pipeInput(new TestRecord<>(key, value, null, ingestTime));
  }

  private final Map<String, TestInputTopic<byte[], byte[]>> tenantTopics = new HashMap<>();

  /**
   * Sends a record to a tenant's raw topic ({@code Tenants.rawTopic}), at {@link #NOW}, with the
   * headers given (a gateway may send any).
   */
  void sendToTenant(
      String tenant, byte[] key, byte[] value, org.apache.kafka.common.header.Headers headers) {
    tenantTopics
        .computeIfAbsent(
            tenant,
            t ->
                driver.createInputTopic(
                    io.fhirflow.contracts.Tenants.rawTopic(topics.raw(), t),
                    new ByteArraySerializer(),
                    new ByteArraySerializer()))
        .pipeInput(new TestRecord<>(key, value, headers, NOW));
  }

  /** Sends the sample keyed by its user id to a tenant's raw topic, at {@link #NOW}. */
  void sendToTenant(String tenant, WearableSample sample) {
    sendToTenant(
        tenant,
        sample.getUserId().getBytes(StandardCharsets.UTF_8),
        serialize(sample),
        new org.apache.kafka.common.header.internals.RecordHeaders());
  }

  /**
   * How {@link #flushedRedisValues()} names a metric of the default tenant's patient's latest
   * values: the contract's key, a space, the field.
   */
  static String latestField(String patient, String metric) {
    return REDIS_KEYS.latest(Tenants.DEFAULT, patient) + " " + metric;
  }

  /** How {@link #flushedRedisValues()} names a metric of the patient's day view (local day). */
  static String dayField(String patient, LocalDate day, String metric) {
    return REDIS_KEYS.day(Tenants.DEFAULT, patient, day) + " " + metric;
  }

  /** All values the metrics branch has handed to Redis so far, after one flush tick. */
  Map<String, String> flushedRedisValues() {
    advanceWallClock(java.time.Duration.ofSeconds(2));
    Map<String, String> values = new HashMap<>();
    redisBatches.forEach(b -> b.forEach(w -> values.put(w.key() + " " + w.field(), w.value())));
    return values;
  }

  /**
   * Every record the topology took in is accounted for once: written out, an update, a duplicate, a
   * deletion or dead-lettered.
   */
  /** Asserts every counter's value, then that they balance ({@link #assertCountersBalanced}). */
  void assertCounters(
      double in,
      double out,
      double updates,
      double duplicates,
      double deletions,
      double deadLetters) {
    FlowCounters c = counters;
    assertThat(
            List.of(
                c.inCount(),
                c.outCount(),
                c.updateCount(),
                c.duplicateCount(),
                c.deletedCount(),
                c.deadLetteredCount()))
        .as("in, out, updates, duplicates, deletions, dead letters")
        .containsExactly(in, out, updates, duplicates, deletions, deadLetters);
    assertCountersBalanced();
  }

  void assertCountersBalanced() {
    FlowCounters c = counters;
    assertThat(
            c.outCount()
                + c.updateCount()
                + c.duplicateCount()
                + c.deletedCount()
                + c.deadLetteredCount())
        .as("in = out + updates + duplicates + deletions + dead letters")
        .isEqualTo(c.inCount());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    driver.close();
    MockSchemaRegistryClient.dropScope(registryScope);
  }
}
