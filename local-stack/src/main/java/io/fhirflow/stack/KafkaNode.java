package io.fhirflow.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A standalone single-node KRaft Kafka (broker and controller in one JVM) run from the Maven jars
 * (kafka_2.13 + kafka-tools on the classpath), data under {@code dir/data}.
 *
 * <p>First start: writes server.properties, formats the log directory with a fresh cluster id
 * ({@code kafka.tools.StorageTool format}), then runs {@code kafka.Kafka}. Later starts reuse the
 * formatted directory, so topics and offsets survive a restart.
 */
public final class KafkaNode {

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private final String heap;
  private final String classpath;
  private final DaemonProcess process;

  public KafkaNode(Path dir, int port, int controllerPort, String heap, String classpath) {
    this.dir = dir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.heap = heap;
    this.classpath = classpath;
    this.process = new DaemonProcess("kafka", dir);
  }

  public static KafkaNode of(StackConfig config, String classpath) {
    return new KafkaNode(
        config.workDir().resolve("kafka"),
        config.kafkaPort(),
        config.kafkaControllerPort(),
        config.kafkaHeap(),
        classpath);
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public DaemonProcess process() {
    return process;
  }

  public Optional<ProcessHandle> running() {
    return process.running();
  }

  /** Starts the broker unless it already runs; returns once its client port answers. */
  public void start(Duration timeout) {
    if (process.running().isPresent()) {
      process.awaitPort(port, timeout);
      return;
    }
    if (DaemonProcess.portAnswers(port)) {
      throw new IllegalStateException(
          "port " + port + " is taken by another process; set FHIRFLOW_STACK_KAFKA_PORT");
    }
    Path properties = writeProperties();
    if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
      format(properties, timeout);
    }
    process.start(
        List.of(
            "-Xmx" + heap,
            "-Djava.awt.headless=true",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
            "-cp",
            classpath,
            "kafka.Kafka",
            properties.toString()));
    process.awaitPort(port, timeout);
  }

  /** Stops the broker (controlled shutdown on SIGTERM). */
  public boolean stop() {
    return process.stop(Duration.ofSeconds(60));
  }

  Path writeProperties() {
    String text =
        String.join(
                "\n",
                "# Written by fhirflow's local stack (io.fhirflow.stack.KafkaNode); rewritten at every start.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:"
                    + port
                    + ",CONTROLLER://127.0.0.1:"
                    + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                // One node: internal topics cannot have more replicas than brokers, and a min ISR
                // above 1 would make transactions (exactly_once_v2) and group commits hang.
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=3",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "min.insync.replicas=1",
                "default.replication.factor=1",
                "num.partitions=1",
                // As in production: topics are created on purpose, not by a typo in a client.
                "auto.create.topics.enable=false",
                "group.initial.rebalance.delay.ms=0",
                "")
            + "\n";
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("server.properties");
      Files.writeString(file, text, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void format(Path properties, Duration timeout) {
    String clusterId = Uuid.randomUuid().toString();
    Path log = dir.resolve("kafka-format.log");
    List<String> command =
        List.of(
            DaemonProcess.javaExecutable(),
            "-Xmx256m",
            "-cp",
            classpath,
            "kafka.tools.StorageTool",
            "format",
            "-t",
            clusterId,
            "-c",
            properties.toString());
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("formatting the Kafka log directory timed out; see " + log);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("formatting the Kafka log directory failed; see " + log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while formatting", e);
    }
  }
}
