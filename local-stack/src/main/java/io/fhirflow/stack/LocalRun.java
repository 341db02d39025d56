package io.fhirflow.stack;

import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.RecordingMethod;
import io.fhirflow.schema.Source;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SpecificAvroDeserializer;
import io.fhirflow.serde.SpecificAvroSerializer;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Java side of {@code bin/run-local}, run once the local stack is up: produces one {@code
 * WearableSample} to {@code wearable.samples.raw} with fhirflow's serializer through the
 * development registry, reads it back with the deserializer and prints a summary. Exit code 0 when
 * what came back equals what went in.
 *
 * <p>Each step is one method so the pipeline stages (topology, sink, API) can be added between
 * producing and checking.
 */
public final class LocalRun {

  private final String bootstrapServers;
  private final String registryUrl;
  private final PrintStream out;

  LocalRun(String bootstrapServers, String registryUrl, PrintStream out) {
    this.bootstrapServers = bootstrapServers;
    this.registryUrl = registryUrl;
    this.out = out;
  }

  /** Runs the round trip; true when the sample read back equals the one produced. */
  boolean run() throws Exception {
    WearableSample sample = demoSample(Instant.now());
    RecordMetadata written = produce(sample);
    out.printf(
        "produced   %s-%d@%d  (user key, HealthKit heart rate, Confluent wire format)%n",
        written.topic(), written.partition(), written.offset());
    ConsumerRecord<byte[], byte[]> record = readAt(written);
    int schemaId = ByteBuffer.wrap(record.value(), 1, 4).getInt();
    WearableSample back = deserialize(record.value());
    boolean same = back.equals(sample);
    out.printf(
        "read back  %s-%d@%d  schema id %d (subject %s-value at %s)%n",
        record.topic(),
        record.partition(),
        record.offset(),
        schemaId,
        PipelineTopic.RAW.defaultName(),
        registryUrl);
    out.printf(
        "result     %s%n",
        same
            ? "OK: the record read back equals the sample produced"
            : "MISMATCH: the record read back differs");
    return same;
  }

  RecordMetadata produce(WearableSample sample) throws Exception {
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            "schema.registry.url",
            registryUrl);
    SpecificAvroSerializer<WearableSample> serializer = new SpecificAvroSerializer<>();
    serializer.configure(props, false);
    try (KafkaProducer<String, WearableSample> producer =
        new KafkaProducer<>(props, new StringSerializer(), serializer)) {
      return producer
          .send(new ProducerRecord<>(PipelineTopic.RAW.defaultName(), sample.getUserId(), sample))
          .get();
    }
  }

  ConsumerRecord<byte[], byte[]> readAt(RecordMetadata written) {
    TopicPartition partition = new TopicPartition(written.topic(), written.partition());
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seek(partition, written.offset());
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.offset() == written.offset()) {
            return record;
          }
        }
      }
    }
    throw new IllegalStateException(
        "the produced record was not readable at " + partition + "@" + written.offset());
  }

  WearableSample deserialize(byte[] value) {
    try (SpecificAvroDeserializer<WearableSample> deserializer =
        new SpecificAvroDeserializer<>(WearableSample.class)) {
      deserializer.configure(Map.of("schema.registry.url", registryUrl), false);
      return deserializer.deserialize(PipelineTopic.RAW.defaultName(), value);
    }
  }

  /** A synthetic Apple Watch heart-rate sample (no real person's data). */
  static WearableSample demoSample(Instant now) {
    Instant at = now.truncatedTo(ChronoUnit.MILLIS);
    return WearableSample.newBuilder()
        .setUserId("demo-user")
        .setPlatform(Platform.HEALTHKIT)
        .setRecordId(UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT))
        .setType("HKQuantityTypeIdentifierHeartRate")
        .setStartTime(at.minusSeconds(5))
        .setEndTime(at.minusSeconds(5))
        .setStartZoneOffsetSeconds(0)
        .setEndZoneOffsetSeconds(0)
        .setReceivedTime(at)
        .setSource(
            Source.newBuilder().setName("Apple Watch").setBundleId("com.apple.health").build())
        .setVersion(RecordVersion.newBuilder().build())
        .setRecordingMethod(RecordingMethod.AUTOMATICALLY_RECORDED)
        .setMetadata(Map.of("HKMetadataKeyHeartRateMotionContext", "1"))
        .setBody(HkQuantity.newBuilder().setValue(64).setUnit("count/min").build())
        .build();
  }

  /**
   * Addresses from {@code FHIRFLOW_BOOTSTRAP_SERVERS} and {@code FHIRFLOW_SCHEMA_REGISTRY_URL}
   * (bin/stack's stack.env).
   */
  public static void main(String[] args) throws Exception {
    String bootstrap =
        System.getenv()
            .getOrDefault(
                "FHIRFLOW_BOOTSTRAP_SERVERS", "127.0.0.1:" + StackConfig.KAFKA_PORT_DEFAULT);
    String registry =
        System.getenv()
            .getOrDefault(
                "FHIRFLOW_SCHEMA_REGISTRY_URL",
                "http://127.0.0.1:" + StackConfig.REGISTRY_PORT_DEFAULT);
    boolean ok = new LocalRun(bootstrap, registry, System.out).run();
    System.exit(ok ? 0 : 1);
  }
}
