package io.fhirflow.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

/**
 * A process's real {@code main} in a child JVM on the test's class path, its stdout and stderr
 * collected as one text: for asserting what a process prints (its start-up log, say) exactly as it
 * would in production, System.exit and shutdown hooks included.
 */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final Thread pump;

  private ChildJvm(Process process) {
    this.process = process;
    this.pump = new Thread(this::pump, "child-jvm-output");
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * Starts {@code mainClass} with {@code args}; {@code jvmOptions} such as -D flags, {@code env}
   * added to the inherited one.
   */
  public static ChildJvm start(
      String mainClass, List<String> jvmOptions, Map<String, String> env, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    try {
      return new ChildJvm(pb.start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + mainClass, e);
    }
  }

  /**
   * A temporary properties file holding {@code settings} (values as their {@code toString}), to
   * start a process with as its deployment would: its config file as the argument.
   */
  public static Path propertiesFile(String prefix, Map<String, ?> settings) {
    Properties props = new Properties();
    settings.forEach((k, v) -> props.setProperty(k, v.toString()));
    try {
      Path file = Files.createTempFile(prefix, ".properties");
      try (OutputStream out = Files.newOutputStream(file)) {
        props.store(out, null);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void pump() {
    byte[] buffer = new byte[8192];
    try (InputStream in = process.getInputStream()) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the process went away; what it printed so far stays
    }
  }

  /**
   * JVM options that log everything at INFO (logback and slf4j-simple), stricter than the shipped
   * configurations that keep Kafka, Jetty and the drivers at WARN: a secret must not appear at INFO
   * from any library either.
   */
  public static List<String> everythingAtInfo() {
    try {
      Path config = java.nio.file.Files.createTempFile("logback-info", ".xml");
      java.nio.file.Files.writeString(
          config,
          """
          <configuration>
            <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
              <encoder><pattern>%-5level %logger %msg%n</pattern></encoder>
            </appender>
            <root level="INFO"><appender-ref ref="OUT"/></root>
          </configuration>
          """);
      return List.of(
          "-Dlogback.configurationFile=" + config,
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
          "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info",
          "-Dorg.slf4j.simpleLogger.log.kafka=info",
          "-Dorg.slf4j.simpleLogger.log.org.flywaydb=info",
          "-Dorg.slf4j.simpleLogger.log.io.fhirflow=info");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Everything printed so far. */
  public String output() {
    return output.toString();
  }

  /**
   * Waits until the output satisfies {@code condition} (true) or the process exits or time runs out
   * (false).
   */
  public boolean awaitOutput(Predicate<String> condition, Duration timeout)
      throws InterruptedException {
    Instant end = Instant.now().plus(timeout);
    while (Instant.now().isBefore(end)) {
      if (condition.test(output())) {
        return true;
      }
      if (!process.isAlive()) {
        pump.join(2000);
        return condition.test(output());
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** Waits for the process to exit by itself; its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "child JVM still running after " + timeout + "; output:\n" + output());
    }
    pump.join(2000);
    return process.exitValue();
  }

  /**
   * SIGTERM (shutdown hooks run), then SIGKILL if it lingers; the output is complete afterwards.
   */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    pump.join(2000);
  }
}
