package io.fhirflow.testkit;

import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assertions;

/**
 * What a process prints from start to stop: its real {@code main} in a child JVM with everything at
 * INFO ({@link ChildJvm#everythingAtInfo()}), run until its output says it is ready, then stopped
 * as a deployment stops it (SIGTERM, shutdown hooks run). For asserting that no secret in its
 * config reaches the log, from its own code or any library's.
 */
public final class StartupLog {

  /** How long a process may take to say it is ready. */
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(240);

  /** What to do with the process while it is ready, before it is stopped. */
  @FunctionalInterface
  public interface WhileReady {
    void accept(ChildJvm process) throws Exception;
  }

  private StartupLog() {}

  /**
   * The whole output of {@code mainClass} started with {@code args}, stopped once its output
   * satisfies {@code ready}; fails the test with that output if it never does.
   */
  public static String untilReady(String mainClass, Predicate<String> ready, String... args)
      throws Exception {
    return untilReady(mainClass, ready, process -> {}, args);
  }

  /** As {@link #untilReady(String, Predicate, String...)}, running {@code whileReady} first. */
  public static String untilReady(
      String mainClass, Predicate<String> ready, WhileReady whileReady, String... args)
      throws Exception {
    try (ChildJvm process =
        ChildJvm.start(mainClass, ChildJvm.everythingAtInfo(), Map.of(), args)) {
      if (!process.awaitOutput(ready, READY_TIMEOUT)) {
        Assertions.fail(mainClass + " did not become ready; output:\n" + process.output());
      }
      whileReady.accept(process);
      process.close();
      return process.output();
    }
  }
}
