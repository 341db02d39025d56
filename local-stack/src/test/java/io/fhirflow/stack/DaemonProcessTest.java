package io.fhirflow.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonProcessTest {

  static final List<String> BLOCKING =
      List.of(
          "-Xmx32m", "-cp", System.getProperty("java.class.path"), BlockingMain.class.getName());

  @TempDir Path dir;
  DaemonProcess process;
  ProcessHandle started;

  @AfterEach
  void stop() {
    if (process != null) {
      process.stop(Duration.ofSeconds(10));
    }
    // A failed assertion must not leave the child running past the test JVM.
    if (started != null) {
      started.destroyForcibly();
    }
  }

  @Test
  void startsOnceRecordsItsPidAndStopsWithoutLeavingAProcess() throws Exception {
    process = new DaemonProcess("blocker", dir);

    started = process.start(BLOCKING);
    ProcessHandle again = process.start(BLOCKING);

    assertThat(again.pid()).isEqualTo(started.pid());
    assertThat(Files.readString(dir.resolve("blocker.pid")).trim())
        .isEqualTo(Long.toString(started.pid()));
    assertThat(process.running()).map(ProcessHandle::pid).contains(started.pid());

    assertThat(process.stop(Duration.ofSeconds(10))).isTrue();
    assertThat(started.isAlive()).isFalse();
    assertThat(dir.resolve("blocker.pid")).doesNotExist();
    assertThat(process.stop(Duration.ofSeconds(10))).as("stopping a stopped process").isFalse();
  }

  @Test
  void neverTakesARecycledPidForItsOwnProcess() throws Exception {
    process = new DaemonProcess("blocker", dir);
    // A live process without the marker: this test's own JVM.
    Files.writeString(dir.resolve("blocker.pid"), Long.toString(ProcessHandle.current().pid()));

    assertThat(process.running()).isEmpty();
    assertThat(process.stop(Duration.ofSeconds(1))).isFalse();
    assertThat(ProcessHandle.current().isAlive()).isTrue();
  }

  @Test
  void reportsAProcessThatDiesDuringStartUpWithItsLog() {
    process = new DaemonProcess("quitter", dir);
    process.start(
        List.of(
            "-cp", System.getProperty("java.class.path"), BlockingMain.class.getName(), "exit"));

    assertThatThrownBy(() -> process.awaitPort(1, Duration.ofSeconds(60)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("quitter exited during start-up")
        .hasMessageContaining("quitter.log");
  }
}
