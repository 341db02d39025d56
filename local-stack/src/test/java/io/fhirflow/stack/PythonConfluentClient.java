package io.fhirflow.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.testkit.Ci;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code src/test/python/confluent_client.py} with Debian's {@code /usr/bin/python3} (not the
 * first python3 on PATH, which may be a pyenv one without Debian's packages).
 */
final class PythonConfluentClient {

  static final String PYTHON = "/usr/bin/python3";
  static final Path SCRIPT = Path.of("src/test/python/confluent_client.py").toAbsolutePath();
  static final List<String> PACKAGES =
      List.of("python3-confluent-kafka", "python3-avro", "python3-requests");

  private PythonConfluentClient() {}

  /**
   * Makes sure the client libraries import, installing Debian's packages when we are root. Skips
   * the calling test when they cannot be installed, except under CI, where that is a failure:
   * {@code .ci/run} installs them, so a skip there would hide a broken set-up.
   */
  static void ensureInstalled() throws Exception {
    if (importsWork()) {
      return;
    }
    if ("0".equals(run(List.of("id", "-u"), "").stdout.trim())) {
      List<String> install =
          new ArrayList<>(
              List.of(
                  "apt-get",
                  "-o",
                  "DPkg::Lock::Timeout=600",
                  "-qq",
                  "install",
                  "-y",
                  "--no-install-recommends"));
      install.addAll(PACKAGES);
      if (run(install, "").exitCode != 0) {
        run(List.of("apt-get", "-o", "DPkg::Lock::Timeout=600", "-qq", "update"), "");
        run(install, "");
      }
    }
    if (importsWork()) {
      return;
    }
    String why =
        "Debian's "
            + String.join(", ", PACKAGES)
            + " are not installed and could not be installed"
            + " (run `apt-get install -y "
            + String.join(" ", PACKAGES)
            + "` as root, or bin/test)";
    if (Ci.running()) {
      throw new AssertionError("CI must run the Python compatibility test: " + why);
    }
    Assumptions.abort("Python compatibility test skipped: " + why);
  }

  private static boolean importsWork() throws Exception {
    return Files.isExecutable(Path.of(PYTHON))
        && run(List.of(PYTHON, "-c", "import confluent_kafka.avro, avro, requests"), "").exitCode
            == 0;
  }

  /** Runs the script in {@code mode}, feeding {@code stdin}; fails the test on a non-zero exit. */
  static List<String> call(String mode, List<String> args, String stdin) throws Exception {
    List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPT.toString(), mode));
    command.addAll(args);
    Result result = run(command, stdin);
    assertThat(result.exitCode).as("python %s failed: %s", mode, result.stderr).isZero();
    return result.stdout.lines().filter(l -> !l.isBlank()).toList();
  }

  record Result(int exitCode, String stdout, String stderr) {}

  private static Result run(List<String> command, String stdin)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("python-out", ".txt");
    Path err = Files.createTempFile("python-err", ".txt");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      try (var in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(10, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish");
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
