package io.fhirflow.stack;

import io.fhirflow.stack.registry.SchemaRegistryServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code up}, {@code down} and {@code status} for the stack's own JVMs: the standalone KRaft broker
 * and the development schema registry. PostgreSQL and Redis are handled by {@code bin/stack}, which
 * calls this class. Every command is idempotent: {@code up} on a running stack changes nothing,
 * {@code down} on a stopped one does nothing.
 */
public final class LocalStack {

  private final StackConfig config;
  private final String classpath;
  private final KafkaNode kafka;
  private final DaemonProcess registry;

  public LocalStack(StackConfig config, String classpath) {
    this.config = config;
    this.classpath = classpath;
    this.kafka = KafkaNode.of(config, classpath);
    this.registry = new DaemonProcess("registry", config.workDir().resolve("registry"));
  }

  /** Starts what is not running: broker, pipeline topics, registry; returns once all answer. */
  public void up(PrintStream out) {
    Duration timeout = Duration.ofMillis(config.startTimeoutMs());
    kafka.start(timeout);
    out.println(
        "kafka      up   "
            + kafka.bootstrapServers()
            + "  (log "
            + kafka.process().logFile()
            + ")");
    List<String> created =
        StackTopics.createMissing(
            kafka.bootstrapServers(),
            StackTopics.withTenants(config.tenants()),
            config.topicPartitions(),
            config.startTimeoutMs());
    if (!created.isEmpty()) {
      out.println("topics     created " + String.join(", ", created));
    }
    if (registry.running().isEmpty() && DaemonProcess.portAnswers(config.registryPort())) {
      throw new IllegalStateException(
          "port "
              + config.registryPort()
              + " is taken by another process; set FHIRFLOW_STACK_REGISTRY_PORT");
    }
    registry.start(
        List.of(
            "-Xmx256m",
            // A light, mostly idle service: quick start-up matters more than peak speed.
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
            "-cp",
            classpath,
            SchemaRegistryServer.class.getName(),
            "bootstrap.servers=" + kafka.bootstrapServers(),
            "port=" + config.registryPort(),
            "topic=" + config.registryTopic()));
    registry.awaitPort(config.registryPort(), timeout);
    out.println("registry   up   " + config.registryUrl() + "  (log " + registry.logFile() + ")");
  }

  /**
   * Stops the registry, then the broker (the registry needs the broker, not the other way round).
   */
  public void down(PrintStream out) {
    out.println(
        "registry   " + (registry.stop(Duration.ofSeconds(20)) ? "stopped" : "was not running"));
    out.println("kafka      " + (kafka.stop() ? "stopped" : "was not running"));
  }

  /** Prints one line per process; returns true when both run. */
  public boolean status(PrintStream out) {
    Optional<ProcessHandle> k = kafka.running();
    Optional<ProcessHandle> r = registry.running();
    out.println(
        "kafka      "
            + k.map(h -> "running pid " + h.pid() + "  " + kafka.bootstrapServers())
                .orElse("stopped"));
    out.println(
        "registry   "
            + r.map(h -> "running pid " + h.pid() + "  " + config.registryUrl()).orElse("stopped"));
    return k.isPresent() && r.isPresent();
  }

  /**
   * {@code LocalStack up|down|status}; settings from {@code FHIRFLOW_STACK_*} environment
   * variables.
   */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: LocalStack up|down|status");
      System.exit(2);
    }
    LocalStack stack =
        new LocalStack(
            StackConfig.fromEnvironment(System.getenv()), System.getProperty("java.class.path"));
    switch (args[0]) {
      case "up" -> stack.up(System.out);
      case "down" -> stack.down(System.out);
      case "status" -> System.exit(stack.status(System.out) ? 0 : 3);
      default -> {
        System.err.println("usage: LocalStack up|down|status");
        System.exit(2);
      }
    }
  }
}
