package io.fhirflow.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.testkit.LocalServices;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/stack} as a user runs it: a standalone broker and the registry as their own JVMs, on
 * free ports, with a private work folder.
 */
class StackCommandIT {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path work;
  Map<String, String> env;
  int kafkaPort;
  int registryPort;

  @AfterEach
  void stopEverything() throws Exception {
    if (env != null) {
      stack("down");
    }
  }

  @Test
  void startsTwiceServesARoundTripStopsCleanlyAndKeepsSchemaIdsAcrossARestart() throws Exception {
    kafkaPort = freePort();
    registryPort = freePort();
    // The PostgreSQL and Redis that bin/test made sure of, so bin/stack uses them too.
    URI pg = URI.create(LocalServices.postgresUrl().substring("jdbc:".length()));
    URI redis = URI.create(LocalServices.redisUrl());
    env =
        Map.of(
            "FHIRFLOW_STACK_WORK_DIR", work.toString(),
            "FHIRFLOW_STACK_KAFKA_PORT", Integer.toString(kafkaPort),
            "FHIRFLOW_STACK_KAFKA_CONTROLLER_PORT", Integer.toString(freePort()),
            "FHIRFLOW_STACK_REGISTRY_PORT", Integer.toString(registryPort),
            "FHIRFLOW_PG_HOST", pg.getHost(),
            "FHIRFLOW_PG_PORT", Integer.toString(pg.getPort()),
            "FHIRFLOW_PG_DB", pg.getPath().substring(1),
            "FHIRFLOW_REDIS_HOST", redis.getHost(),
            "FHIRFLOW_REDIS_PORT", Integer.toString(redis.getPort()));

    assertSucceeds(stack("up"));
    List<Long> pids = stackPids();
    assertThat(pids)
        .hasSize(2)
        .allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

    Result again = stack("up");
    assertSucceeds(again);
    assertThat(stackPids()).as("a second up leaves the running processes alone").isEqualTo(pids);
    assertSucceeds(stack("status"));

    String value = "round-trip " + System.nanoTime();
    produce(PipelineTopic.Names.RAW, "user-1", value);
    assertThat(consumeOne(PipelineTopic.Names.RAW)).isEqualTo(value);
    int id =
        registerSchema(
            "{\"type\":\"record\",\"name\":\"Ping\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"}]}");

    assertSucceeds(stack("down"));
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("pid %d after down", pid)
          .isFalse();
    }
    assertThat(DaemonProcess.portAnswers(kafkaPort)).isFalse();
    assertThat(DaemonProcess.portAnswers(registryPort)).isFalse();
    assertThat(stack("status").exitCode).isNotZero();

    assertSucceeds(stack("up"));
    assertThat(get("/schemas/ids/" + id)).contains("Ping");
    assertThat(consumeOne(PipelineTopic.Names.RAW))
        .as("records survive a restart")
        .isEqualTo(value);
  }

  // --- plumbing

  record Result(int exitCode, String output) {}

  /** On failure the message carries what bin/stack printed, so a red CI run says why. */
  static void assertSucceeds(Result result) {
    assertThat(result.exitCode).as("bin/stack exit code; it printed:%n%s", result.output).isZero();
  }

  Result stack(String command) throws IOException, InterruptedException {
    Path log = work.resolve("bin-stack-" + command + ".out");
    ProcessBuilder builder =
        new ProcessBuilder(ROOT.resolve("bin/stack").toString(), command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    assertThat(process.waitFor(4, TimeUnit.MINUTES)).as("bin/stack %s finishes", command).isTrue();
    return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  List<Long> stackPids() throws IOException {
    List<Long> pids = new ArrayList<>();
    for (Path pidFile :
        List.of(work.resolve("kafka/kafka.pid"), work.resolve("registry/registry.pid"))) {
      pids.add(Long.parseLong(Files.readString(pidFile).trim()));
    }
    return pids;
  }

  void produce(String topic, String key, String value) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", "127.0.0.1:" + kafkaPort, "acks", "all"),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
  }

  String consumeOne(String topic) {
    Properties props = new Properties();
    props.put("bootstrap.servers", "127.0.0.1:" + kafkaPort);
    props.put("group.id", "stack-it-" + System.nanoTime());
    props.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          return record.value();
        }
      }
    }
    throw new AssertionError("no record on " + topic + " within 60 s");
  }

  int registerSchema(String schema) throws Exception {
    String body =
        "{\"schema\":"
            + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(schema)
            + "}";
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + registryPort + "/subjects/ping-value/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(response.body())
        .get("id")
        .asInt();
  }

  String get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + registryPort + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  /**
   * A free port below the kernel's ephemeral range (32768+ on Linux). A port from {@code
   * ServerSocket(0)} comes from that range, and in the seconds before the stack's JVMs bind it an
   * outgoing connection of any other process can take it as its local port: a rare red CI run.
   */
  static synchronized int freePort() throws IOException {
    Random random = new Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20_000 + random.nextInt(12_000);
      if (HANDED_OUT.contains(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket(port)) {
        HANDED_OUT.add(port);
        return socket.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port between 20000 and 32000");
  }
}
