package io.fhirflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.DeadLetterHeaders;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.NotWireFormatException;
import io.fhirflow.serde.SpecificAvroDeserializer;
import io.fhirflow.serde.UnknownSchemaIdException;
import io.fhirflow.testkit.BrokerPerClass;
import io.fhirflow.testkit.Datasets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code fhirflow} command lines against a real broker, with fhirflow's serializer and an
 * in-memory registry shared with the test's deserializer ({@code mock://} scope).
 */
class CommandsOnKafkaIT {

  @RegisterExtension static final BrokerPerClass kafka = new BrokerPerClass();

  @Test
  void importsTheGermanIos8ExportIntoTheRawTopicAndItsBrokenRecordsIntoTheDeadLetterTopic() {
    String raw = kafka.broker().uniqueTopic("raw");
    String dlq = kafka.broker().uniqueTopic("dlq");
    kafka.broker().createTopics(3, raw, dlq);
    String registry = "mock://cli-import-it";

    int exit =
        Main.run(
            "import",
            "apple-health",
            Datasets.root().resolve("apple-health-legacy-2015/Exportieren.xml").toString(),
            "--user",
            "user-de",
            "--bootstrap-servers",
            kafka.broker().bootstrapServers(),
            "--schema-registry-url",
            registry,
            "--topic",
            raw,
            "--dlq-topic",
            dlq);

    assertThat(exit).isZero();
    List<ConsumerRecord<String, byte[]>> samples = readAll(raw, 333);
    assertThat(samples).hasSize(333).allSatisfy(r -> assertThat(r.key()).isEqualTo("user-de"));
    try (SpecificAvroDeserializer<WearableSample> deserializer =
        new SpecificAvroDeserializer<>(WearableSample.class)) {
      deserializer.configure(Map.of("schema.registry.url", registry), false);
      WearableSample first = deserializer.deserialize(raw, samples.get(0).value());
      assertThat(first.getUserId()).isEqualTo("user-de");
    }
    List<ConsumerRecord<String, byte[]>> dead = readAll(dlq, 70);
    assertThat(dead).hasSize(70);
    ConsumerRecord<String, byte[]> letter =
        dead.stream()
            .filter(r -> header(r, DeadLetterHeaders.SOURCE_OFFSET).equals("5"))
            .findFirst()
            .orElseThrow();
    assertThat(header(letter, DeadLetterHeaders.STAGE)).isEqualTo("import");
    assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo("MALFORMED_XML");
    assertThat(header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("Exportieren.xml");
    assertThat(header(letter, DeadLetterHeaders.TIME)).isNotBlank();
    assertThat(new String(letter.value(), StandardCharsets.UTF_8))
        .startsWith("<Record type=\"HKQuantityTypeIdentifierBodyMassIndex\"");
  }

  @Test
  void simulatesTrafficWhoseBadRecordsFailDeserializationWithTheirReason(@TempDir Path dir)
      throws Exception {
    String raw = kafka.broker().uniqueTopic("sim");
    kafka.broker().createTopics(3, raw);
    String registry = "mock://cli-simulate-it";
    Path summary = dir.resolve("summary.json");

    int exit = simulate(raw, registry, summary, "--users", "6", "--bad-share", "0.05");

    assertThat(exit).isZero();
    String json = Files.readString(summary);
    long total = Long.parseLong(json.replaceAll("^\\{\"total\":(\\d+),.*$", "$1"));
    // 400/s for 3 s is 1,200 at full pace; a loaded machine (CI beside other builds) paced 588.
    // What matters here is that traffic was produced and every record read back is classified.
    assertThat(total).isGreaterThan(100);
    List<ConsumerRecord<String, byte[]>> records = readAll(raw, total);
    assertThat(records).hasSize((int) total);
    int notWire = 0;
    int unknownId = 0;
    int ok = 0;
    try (SpecificAvroDeserializer<WearableSample> deserializer =
        new SpecificAvroDeserializer<>(WearableSample.class)) {
      deserializer.configure(Map.of("schema.registry.url", registry), false);
      for (ConsumerRecord<String, byte[]> r : records) {
        try {
          WearableSample s = deserializer.deserialize(raw, r.value());
          assertThat(s.getUserId()).isEqualTo(r.key());
          ok++;
        } catch (NotWireFormatException e) {
          notWire++;
        } catch (UnknownSchemaIdException e) {
          unknownId++;
        }
      }
    }
    assertThat(notWire).isPositive();
    assertThat(unknownId).isPositive();
    assertThat(ok + notWire + unknownId).isEqualTo(total);
    assertThat(json)
        .contains("\"BAD_NOT_WIRE_FORMAT\":" + notWire)
        .contains("\"BAD_UNKNOWN_SCHEMA_ID\":" + unknownId);
  }

  /**
   * Issue 15: {@code --tenants default,acme} sends each user's records to its tenant's raw topic,
   * the same user id to both, and the summary counts per tenant what each topic got.
   */
  @Test
  void simulatesTwoTenantsEachOnItsOwnRawTopicWithOneUserIdInBoth(@TempDir Path dir)
      throws Exception {
    String raw = kafka.broker().uniqueTopic("sim-tenants");
    String acme = raw + ".acme";
    kafka.broker().createTopics(3, raw, acme);
    Path summary = dir.resolve("summary.json");

    int exit =
        simulate(
            raw,
            "mock://cli-simulate-tenants-it",
            summary,
            "--users",
            "4",
            "--tenants",
            "default,acme");

    assertThat(exit).isZero();
    String json = Files.readString(summary);
    long onDefault =
        Long.parseLong(json.replaceAll("^.*\"default\":\\{\"total\":(\\d+),.*$", "$1"));
    long onAcme = Long.parseLong(json.replaceAll("^.*\"acme\":\\{\"total\":(\\d+),.*$", "$1"));
    long total = Long.parseLong(json.replaceAll("^\\{\"total\":(\\d+),.*$", "$1"));
    assertThat(onDefault).isPositive();
    assertThat(onAcme).isPositive();
    assertThat(onDefault + onAcme).isEqualTo(total);
    List<ConsumerRecord<String, byte[]>> defaults = readAll(raw, onDefault);
    List<ConsumerRecord<String, byte[]>> acmes = readAll(acme, onAcme);
    assertThat(defaults).hasSize((int) onDefault);
    assertThat(acmes).hasSize((int) onAcme);
    java.util.Set<String> defaultUsers = new java.util.TreeSet<>();
    defaults.forEach(r -> defaultUsers.add(r.key()));
    java.util.Set<String> acmeUsers = new java.util.TreeSet<>();
    acmes.forEach(r -> acmeUsers.add(r.key()));
    assertThat(defaultUsers).containsExactly("sim-user-0001", "sim-user-0003");
    assertThat(acmeUsers).containsExactly("sim-user-0001", "sim-user-0004");
  }

  @Test
  void eraseWritesTheRequestKeyedByTheUserAndPrintsTheCountsOfTheAuditEventThatConfirmsIt()
      throws Exception {
    String erasure = kafka.broker().uniqueTopic("erasure");
    String audit = kafka.broker().uniqueTopic("audit");
    kafka.broker().createTopics(3, erasure, audit);
    // Stands in for the topology: answers the request with an AuditEvent keyed by its id.
    java.util.concurrent.atomic.AtomicReference<ConsumerRecord<String, byte[]>> seen =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread topology =
        new Thread(
            () -> {
              ConsumerRecord<String, byte[]> request = readAll(erasure, 1).get(0);
              seen.set(request);
              var parsed =
                  io.fhirflow.serde.ErasureRequest.parse(
                          request.key().getBytes(StandardCharsets.UTF_8), request.value())
                      .orElseThrow();
              try (var producer =
                  new org.apache.kafka.clients.producer.KafkaProducer<String, String>(
                      kafka.broker().producerProps(),
                      new org.apache.kafka.common.serialization.StringSerializer(),
                      new org.apache.kafka.common.serialization.StringSerializer())) {
                producer.send(
                    new org.apache.kafka.clients.producer.ProducerRecord<>(
                        audit,
                        parsed.requestId(),
                        "{\"resourceType\":\"AuditEvent\",\"entity\":[{\"detail\":[{\"type\":\"record-store-entries\",\"valueString\":\"7\"}]}]}"));
              }
            });
    topology.start();
    java.io.StringWriter out = new java.io.StringWriter();
    picocli.CommandLine cli = new picocli.CommandLine(new Main());
    cli.setOut(new java.io.PrintWriter(out));

    int exit =
        cli.execute(
            "erase",
            "--user",
            "user-42",
            "--requested-by",
            "dpo@example.org",
            "--bootstrap-servers",
            kafka.broker().bootstrapServers(),
            "--erasure-topic",
            erasure,
            "--audit-topic",
            audit,
            "--wait",
            "60s");
    topology.join();

    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("erasure requested id=")
        .contains("record-store-entries 7")
        .doesNotContain("user-42");
    ConsumerRecord<String, byte[]> request = seen.get();
    assertThat(request.key()).isEqualTo("user-42");
    assertThat(new String(request.value(), StandardCharsets.UTF_8))
        .contains("\"requestedBy\":\"dpo@example.org\"");
  }

  private static String header(ConsumerRecord<?, ?> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  /** {@code fhirflow simulate} at 400 records/s for 3 s to {@code raw}, with more options. */
  private static int simulate(String raw, String registry, Path summary, String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "simulate",
                "--topic",
                raw,
                "--rate",
                "400",
                "--duration",
                "3s",
                "--schema-registry-url",
                registry,
                "--summary-json",
                summary.toString(),
                "--bootstrap-servers",
                kafka.broker().bootstrapServers()));
    args.addAll(List.of(options));
    return Main.run(args.toArray(String[]::new));
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(String topic, long expected) {
    Properties props = kafka.broker().consumerProps("reader-" + topic);
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      // One more poll: nothing beyond what was expected may arrive.
      consumer.poll(Duration.ofMillis(300)).forEach(out::add);
    }
    return out;
  }
}
