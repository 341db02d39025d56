package io.fhirflow.cli.applehealth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importer streams: a 200 MB export goes through a JVM whose whole heap is 64 MB, so neither
 * the file nor its samples can be held in memory. Runs the real {@code fhirflow} command line in a
 * forked JVM ({@code --dry-run}: parsing and conversion only, no broker).
 */
class LargeExportMemoryIT {

  static final long SIZE = 200L * 1024 * 1024;

  @Test
  void importsA200MegabyteExportWithin64MegabytesOfHeap(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("export.xml");
    SyntheticExport.Written written = SyntheticExport.write(file, SIZE);
    assertThat(written.bytes()).isGreaterThan(SIZE);

    List<String> command =
        new ArrayList<>(
            List.of(
                javaBinary(),
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-cp",
                testClassPath(),
                "io.fhirflow.cli.Main",
                "import",
                "apple-health",
                file.toString(),
                "--user",
                "u1",
                "--dry-run"));
    Path log = dir.resolve("out.txt");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = process.waitFor(5, TimeUnit.MINUTES);
    if (!exited) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);

    assertThat(exited).as("import finished").isTrue();
    assertThat(output).doesNotContain("OutOfMemoryError");
    assertThat(process.exitValue()).as(output).isZero();
    long samples =
        written.records()
            - 2 * written.correlations()
            + written.correlations()
            + written.workouts();
    assertThat(output).contains(String.format("%,d samples sent, 0 rejected", samples));
    assertThat(output)
        .contains(
            String.format(
                "correlation members not sent again (inside %,d correlations): %,d",
                written.correlations(), 2 * written.correlations()));
    System.out.println(
        output.substring(output.lastIndexOf("imported ")).lines().findFirst().orElse(""));
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Surefire/failsafe hide the real class path behind a manifest jar; they publish it here. */
  private static String testClassPath() throws IOException {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    assertThat(cp.split(File.pathSeparator)).anyMatch(e -> e.contains("picocli"));
    return cp;
  }
}
