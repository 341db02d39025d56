package io.fhirflow.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SpecificAvroDeserializer;
import io.fhirflow.serde.SpecificAvroSerializer;
import io.fhirflow.stack.registry.SchemaRegistryServer;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.testkit.WearableSamples;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * fhirflow's serde against an independent Confluent client: Debian's python3-confluent-kafka
 * (legacy {@code confluent_kafka.avro} AvroProducer/AvroConsumer on python3-avro), through the
 * development registry's REST endpoint and a real broker, in both directions.
 */
class PythonClientCompatibilityIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String SCHEMA =
      Path.of("../schemas/src/main/avro/WearableSample.avsc").toAbsolutePath().toString();

  static KafkaBroker broker;
  static SchemaRegistryServer registry;

  @BeforeAll
  static void start() throws Exception {
    PythonConfluentClient.ensureInstalled();
    broker = KafkaBroker.start();
    registry =
        SchemaRegistryServer.start(
            broker.bootstrapServers(), KafkaBroker.uniqueTopic("_schemas"), 0);
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void ourDeserializerReadsWhatPythonsAvroProducerWrote() throws Exception {
    String topic = KafkaBroker.uniqueTopic(PipelineTopic.Names.RAW);
    broker.createTopics(1, topic);
    List<ObjectNode> sent =
        IntStream.range(0, 3).mapToObj(PythonClientCompatibilityIT::pythonSample).toList();

    List<String> out =
        PythonConfluentClient.call("produce", clientArgs(topic, "--schema", SCHEMA), lines(sent));
    assertThat(out).containsExactly("{\"produced\": 3}");

    List<ConsumerRecord<byte[], byte[]>> records = readRaw(topic, 3);
    int registeredId = registryIdOf(topic + "-value");
    try (SpecificAvroDeserializer<WearableSample> deserializer =
        new SpecificAvroDeserializer<>(WearableSample.class)) {
      deserializer.configure(Map.of("schema.registry.url", registry.url()), false);
      for (int i = 0; i < 3; i++) {
        byte[] value = records.get(i).value();
        assertThat(value[0]).as("Confluent magic byte").isZero();
        assertThat(ByteBuffer.wrap(value, 1, 4).getInt())
            .as("schema id from the dev registry")
            .isEqualTo(registeredId);
        WearableSample sample = deserializer.deserialize(topic, value);
        assertThat(summaryOf(sample)).isEqualTo(sent.get(i));
        assertThat(sample.getMetadata()).containsEntry("HKMetadataKeyHeartRateMotionContext", "1");
      }
    }
  }

  @Test
  void pythonsAvroConsumerReadsWhatOurSerializerWrote() throws Exception {
    String topic = KafkaBroker.uniqueTopic(PipelineTopic.Names.RAW);
    broker.createTopics(1, topic);
    List<WearableSample> samples =
        IntStream.range(0, 3)
            .mapToObj(
                i ->
                    WearableSamples.healthKitHeartRate()
                        .setRecordId("JAVA-" + i)
                        .setStartTime(WearableSamples.MORNING.plusSeconds(60L * i))
                        .setEndTime(WearableSamples.MORNING.plusSeconds(60L * i))
                        .setBody(
                            HkQuantity.newBuilder().setValue(60.5 + i).setUnit("count/min").build())
                        .build())
            .toList();

    try (SpecificAvroSerializer<WearableSample> serializer = new SpecificAvroSerializer<>()) {
      serializer.configure(Map.of("schema.registry.url", registry.url()), false);
      // No key: the legacy AvroConsumer decodes every key as Avro, and ours is a plain string.
      try (KafkaProducer<String, WearableSample> producer =
          new KafkaProducer<>(broker.producerProps(), new StringSerializer(), serializer)) {
        for (WearableSample s : samples) {
          producer.send(new ProducerRecord<>(topic, null, s)).get();
        }
      }
    }

    List<String> out =
        PythonConfluentClient.call(
            "consume", clientArgs(topic, "--count", "3", "--group", "py-" + topic), "");

    List<JsonNode> expected = new ArrayList<>();
    for (WearableSample s : samples) {
      expected.add(summaryOf(s));
    }
    List<JsonNode> actual = new ArrayList<>();
    for (String line : out) {
      actual.add(JSON.readTree(line));
    }
    assertThat(actual).isEqualTo(expected);
  }

  // --- the fields both sides compare, in the script's JSON shape

  static ObjectNode pythonSample(int i) {
    long start = Instant.parse("2026-03-14T07:15:00.123Z").toEpochMilli() + 60_000L * i;
    return JSON.createObjectNode()
        .put("userId", "user-py-" + i)
        .put("recordId", "PY-" + i)
        .put("type", "HKQuantityTypeIdentifierHeartRate")
        .put("value", 70.25 + i)
        .put("unit", "count/min")
        .put("startTime", start)
        .put("endTime", start)
        .put("receivedTime", start + 30_000)
        .put("zoneOffsetSeconds", 3600)
        .put("sourceName", "Apple Watch");
  }

  static ObjectNode summaryOf(WearableSample s) {
    HkQuantity body = (HkQuantity) s.getBody();
    ObjectNode node =
        JSON.createObjectNode()
            .put("userId", s.getUserId())
            .put("recordId", s.getRecordId())
            .put("type", s.getType())
            .put("value", body.getValue())
            .put("unit", body.getUnit())
            .put("startTime", s.getStartTime().toEpochMilli())
            .put("endTime", s.getEndTime().toEpochMilli())
            .put("receivedTime", s.getReceivedTime().toEpochMilli());
    if (s.getStartZoneOffsetSeconds() == null) {
      node.putNull("zoneOffsetSeconds");
    } else {
      node.put("zoneOffsetSeconds", s.getStartZoneOffsetSeconds());
    }
    return node.put("sourceName", s.getSource().getName());
  }

  // --- plumbing

  static List<String> clientArgs(String topic, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap",
                broker.bootstrapServers(),
                "--registry",
                registry.url(),
                "--topic",
                topic));
    args.addAll(List.of(more));
    return args;
  }

  static String lines(List<ObjectNode> nodes) {
    StringBuilder text = new StringBuilder();
    nodes.forEach(n -> text.append(n).append('\n'));
    return text.toString();
  }

  static List<ConsumerRecord<byte[], byte[]>> readRaw(String topic, int count) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            broker.consumerProps("java-" + topic),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
    }
    assertThat(records).as("records on %s", topic).hasSize(count);
    return records;
  }

  static int registryIdOf(String subject) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(registry.url() + "/subjects/" + subject + "/versions/latest"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body()).get("id").asInt();
  }
}
