package io.fhirflow.topology;

import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SpecificAvroSerializer;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.topology.testing.TopologyWorld;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One integration test's world on the shared broker: its own topics, application id, state
 * directory, {@code mock://} registry scope and Redis key prefix, so tests never see each other.
 */
final class ItSetup {

  static final String RAW_SUBJECT_SUFFIX = "-value";

  /** The zone of the samples the tests write, so the zone of their Redis day keys. */
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  final KafkaBroker broker;
  final TopologyWorld world;
  final String id;
  final Topics topics;
  final String registryScope;
  final String redisPrefix;

  /** The keys the application writes under {@link #redisPrefix} (the contract's layout). */
  final RedisKeyLayout redisKeys;

  final Path stateDir;
  private final SpecificAvroSerializer<WearableSample> serializer = new SpecificAvroSerializer<>();

  ItSetup(KafkaBroker broker, int partitions) {
    this.broker = broker;
    this.id = UUID.randomUUID().toString().substring(0, 8);
    this.world = new TopologyWorld(broker, "fhirflow-it", id, "fhirflow:it-" + id + ":");
    this.topics = world.topics;
    this.registryScope = world.registryScope;
    this.redisPrefix = world.redisPrefix;
    this.redisKeys = world.redisKeys;
    this.stateDir = world.stateDir;
    world.createTopics(partitions);
    serializer.configure(Map.of("schema.registry.url", world.registryUrl()), false);
  }

  /** The application on this world, with {@link #config()}. */
  FhirFlowApplication application() {
    return application(config());
  }

  /** The application on this world, with {@code config} (usually {@link #config()} changed). */
  FhirFlowApplication application(Map<String, Object> config) {
    return world.start(config, TopologyHarness.MAPPER, deserializer());
  }

  /** The raw topic's value deserializer on this world's {@code mock://} registry scope. */
  Deserializer<WearableSample> deserializer() {
    return world.deserializer();
  }

  /**
   * The application's configuration, as a file plus environment would give it, flushing Redis and
   * shutting down quickly.
   */
  Map<String, Object> config() {
    Map<String, Object> c = world.config();
    c.put(TopologyConfig.METRICS_FLUSH_INTERVAL_MS_CONFIG, "200");
    c.put(TopologyConfig.SHUTDOWN_TIMEOUT_MS_CONFIG, "20000");
    // Keep the broker's single-node group coordination quick.
    c.put("kafka.consumer.session.timeout.ms", "10000");
    return c;
  }

  byte[] serialize(WearableSample sample) {
    return serializer.serialize(topics.raw(), sample);
  }

  void produce(List<WearableSample> samples) {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            broker.producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (WearableSample s : samples) {
        producer.send(
            new ProducerRecord<>(
                topics.raw(), s.getUserId().getBytes(StandardCharsets.UTF_8), serialize(s)));
      }
    }
  }

  void produceRaw(byte[] key, byte[] value) {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            broker.producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topics.raw(), key, value));
    }
  }

  /**
   * Reads what is committed on a topic (read_committed) until {@code expected} records arrived or
   * the timeout.
   */
  List<ConsumerRecord<String, String>> readCommitted(String topic, int expected, Duration timeout) {
    // One more poll: anything beyond the expected count (a duplicate) must show up too.
    return readCommitted(
        topic,
        expected,
        timeout,
        new StringDeserializer(),
        new StringDeserializer(),
        Duration.ofSeconds(1));
  }

  List<ConsumerRecord<byte[], byte[]>> readCommittedBytes(
      String topic, int expected, Duration timeout) {
    return readCommitted(
        topic,
        expected,
        timeout,
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer(),
        Duration.ZERO);
  }

  /**
   * @param lookForMore how long to poll once more after {@code expected} records arrived (zero: not
   *     at all)
   */
  private <K, V> List<ConsumerRecord<K, V>> readCommitted(
      String topic,
      int expected,
      Duration timeout,
      Deserializer<K> keys,
      Deserializer<V> values,
      Duration lookForMore) {
    List<ConsumerRecord<K, V>> out = new ArrayList<>();
    try (KafkaConsumer<K, V> consumer =
        new KafkaConsumer<>(broker.consumerProps("reader-" + UUID.randomUUID()), keys, values)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      if (!lookForMore.isZero()) {
        consumer.poll(lookForMore).forEach(out::add);
      }
    }
    return out;
  }

  /** The Redis day key of a default-tenant {@code patient} for the Paris day {@code at} is on. */
  String parisDayKey(String patient, Instant at) {
    return redisKeys.day(Tenants.DEFAULT, patient, at.atZone(PARIS).toLocalDate());
  }

  /**
   * "Now" for a test whose samples span up to 45 minutes before it and whose Redis day key is
   * today's in Europe/Paris (the samples' zone): in the first hour after Paris midnight
   * (23:00-00:00 UTC in winter) the earlier samples fell on the day before and such tests read the
   * wrong key (DeletionIT failed every evening from 23:00 to 23:45 UTC). Then it is 23:00 of the
   * previous Paris day, still in the past.
   */
  static Instant nowOnOneParisDay() {
    ZonedDateTime paris = Instant.now().atZone(PARIS);
    return paris.toLocalTime().isBefore(LocalTime.of(1, 0))
        ? paris.toLocalDate().atStartOfDay(paris.getZone()).minusHours(1).toInstant()
        : paris.toInstant();
  }
}
