package io.fhirflow.topology;

import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SpecificAvroDeserializer;
import io.fhirflow.serde.SpecificAvroSerializer;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.testkit.LocalServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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

  final KafkaBroker broker;
  final String id = UUID.randomUUID().toString().substring(0, 8);
  final Topics topics;
  final String registryScope = "it-" + id;
  final String redisPrefix = "fhirflow:it-" + id + ":";

  /** The keys the application writes under {@link #redisPrefix} (the contract's layout). */
  final RedisKeyLayout redisKeys = new RedisKeyLayout(redisPrefix);

  final Path stateDir;
  private final SpecificAvroSerializer<WearableSample> serializer = new SpecificAvroSerializer<>();

  ItSetup(KafkaBroker broker, int partitions) {
    this.broker = broker;
    this.topics =
        new Topics(
            "raw-" + id,
            "observation-" + id,
            "patient-" + id,
            "device-" + id,
            "dlq-" + id,
            "erasure-" + id,
            "audit-" + id);
    broker.createTopics(
        partitions,
        topics.raw(),
        topics.observation(),
        topics.patient(),
        topics.device(),
        topics.deadLetter(),
        topics.erasure(),
        topics.audit());
    try {
      stateDir = Files.createTempDirectory("topology-it");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    serializer.configure(Map.of("schema.registry.url", "mock://" + registryScope), false);
  }

  /** The application on this world, with {@link #config()}. */
  FhirFlowApplication application() {
    return application(config());
  }

  /** The application on this world, with {@code config} (usually {@link #config()} changed). */
  FhirFlowApplication application(Map<String, Object> config) {
    return new FhirFlowApplication(
        new TopologyConfig(config), TopologyHarness.MAPPER, deserializer(), Clock.systemUTC());
  }

  /** The raw topic's value deserializer on this world's {@code mock://} registry scope. */
  Deserializer<WearableSample> deserializer() {
    SpecificAvroDeserializer<WearableSample> d =
        new SpecificAvroDeserializer<>(WearableSample.class);
    d.configure(Map.of("schema.registry.url", "mock://" + registryScope), false);
    return d;
  }

  /** The application's configuration, as a file plus environment would give it. */
  Map<String, Object> config() {
    Map<String, Object> c = new HashMap<>();
    c.put(TopologyConfig.APPLICATION_ID_CONFIG, "fhirflow-it-" + id);
    c.put(TopologyConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    c.put(TopologyConfig.STATE_DIR_CONFIG, stateDir.toString());
    c.put(TopologyConfig.SCHEMA_REGISTRY_URL_CONFIG, "mock://" + registryScope);
    c.put(TopologyConfig.TOPIC_RAW_CONFIG, topics.raw());
    c.put(TopologyConfig.TOPIC_OBSERVATION_CONFIG, topics.observation());
    c.put(TopologyConfig.TOPIC_PATIENT_CONFIG, topics.patient());
    c.put(TopologyConfig.TOPIC_DEVICE_CONFIG, topics.device());
    c.put(TopologyConfig.TOPIC_DLQ_CONFIG, topics.deadLetter());
    c.put(TopologyConfig.TOPIC_ERASURE_CONFIG, topics.erasure());
    c.put(TopologyConfig.TOPIC_AUDIT_CONFIG, topics.audit());
    c.put(TopologyConfig.METRICS_REDIS_URL_CONFIG, LocalServices.redisUrl());
    c.put(TopologyConfig.METRICS_KEY_PREFIX_CONFIG, redisPrefix);
    c.put(TopologyConfig.METRICS_FLUSH_INTERVAL_MS_CONFIG, "200");
    c.put(TopologyConfig.HTTP_PORT_CONFIG, "0");
    c.put(TopologyConfig.SHUTDOWN_TIMEOUT_MS_CONFIG, "20000");
    c.put("kafka.commit.interval.ms", "100");
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
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            broker.consumerProps("reader-" + UUID.randomUUID()),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      // One more poll: anything beyond the expected count (a duplicate) must show up too.
      consumer.poll(Duration.ofSeconds(1)).forEach(out::add);
    }
    return out;
  }

  List<ConsumerRecord<byte[], byte[]>> readCommittedBytes(
      String topic, int expected, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            broker.consumerProps("reader-" + UUID.randomUUID()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
