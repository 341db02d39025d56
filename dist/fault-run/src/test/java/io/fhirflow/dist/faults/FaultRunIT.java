package io.fhirflow.dist.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The short fault-and-scale run in {@code mvn verify} (so in {@code bin/test} and CI): three
 * topology instances and two distributed Connect workers on a private stack, a topology instance
 * and a Connect worker each killed with SIGKILL and restarted under steady simulator traffic, then
 * the run's checker (every input record accounted for: conservation, no duplicate under
 * read_committed, one row per id, dead letters only for bad records, Redis day totals against
 * PostgreSQL). The script runs on the jars the dist modules laid out earlier in this build.
 */
class FaultRunIT {

  private static final Path ROOT =
      Path.of(System.getProperty("user.dir")).resolve("../..").normalize();

  @Test
  void theShortFaultRunAccountsForEveryRecord() throws IOException, InterruptedException {
    Path out = ROOT.resolve("dist/fault-run/target/faults-short");
    Path log = ROOT.resolve("dist/fault-run/target/run-faults.log");
    Files.createDirectories(log.getParent());
    ProcessBuilder pb =
        new ProcessBuilder(
                ROOT.resolve("bench/run-faults").toString(), "--short", "--out", out.toString())
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("FHIRFLOW_SKIP_BUILD", "1");
    Process run = pb.start();
    // Generous: start-up of eight JVMs and the drain on a busy shared machine; the script has its
    // own deadlines.
    if (!run.waitFor(25, TimeUnit.MINUTES)) {
      run.destroy(); // SIGTERM: the script stops everything it started
      run.waitFor(2, TimeUnit.MINUTES);
      throw new AssertionError("bench/run-faults --short did not finish in 25 minutes; see " + log);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(
        0,
        run.exitValue(),
        "bench/run-faults --short failed; its output (" + log + "):\n" + tail(output));
    String report = Files.readString(out.resolve("report.md"), StandardCharsets.UTF_8);
    assertTrue(report.contains("every check passed"), report);
    assertTrue(
        Files.size(out.resolve("timeline.png")) > 10_000, "the timeline plot is missing or empty");
  }

  private static String tail(String text) {
    String[] lines = text.split("\n");
    return String.join(
        "\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 60), lines.length));
  }
}
