package io.fhirflow.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One background JVM of the local stack, found again through its pid file so that a later command
 * (another JVM) can report on it or stop it.
 *
 * <p>The command line carries a marker ({@code -Dfhirflow.process=name@dir}); a pid whose process
 * lacks it is treated as stale, so a recycled pid never gets a signal from us.
 */
public final class DaemonProcess {

  /** How long a live pid without our marker is re-read before it is taken to be a recycled pid. */
  private static final Duration MARKER_SETTLE = Duration.ofSeconds(2);

  private final String name;
  private final Path dir;

  public DaemonProcess(String name, Path dir) {
    this.name = name;
    this.dir = dir;
  }

  public String name() {
    return name;
  }

  public Path logFile() {
    return dir.resolve(name + ".log");
  }

  Path pidFile() {
    return dir.resolve(name + ".pid");
  }

  /** The JVM option that marks this process; put it on the command line given to {@link #start}. */
  public String marker() {
    return "-Dfhirflow.process=" + name + "@" + dir;
  }

  /** The live process recorded in the pid file, if it is still ours. */
  public Optional<ProcessHandle> running() {
    Path pidFile = pidFile();
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
      return ProcessHandle.of(pid).filter(this::isOurs);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * True when {@code process} is alive and carries our marker. While a process is inside execve
   * (setsid becoming java), /proc/pid/cmdline can read empty for a moment, so a missing marker is
   * looked at again for a short while before the pid counts as someone else's.
   */
  private boolean isOurs(ProcessHandle process) {
    long deadline = System.nanoTime() + MARKER_SETTLE.toNanos();
    while (process.isAlive()) {
      if (process.info().commandLine().map(c -> c.contains(marker())).orElse(false)) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /**
   * Starts {@code javaArgs} (everything after the {@code java} executable) in its own session,
   * output appended to {@link #logFile()}, unless this process already runs. A terminal's Ctrl-C
   * therefore never reaches it; {@link #stop} does.
   */
  public ProcessHandle start(List<String> javaArgs) {
    Optional<ProcessHandle> existing = running();
    if (existing.isPresent()) {
      return existing.get();
    }
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.add(javaExecutable());
    command.add(marker());
    command.addAll(javaArgs);
    try {
      Files.createDirectories(dir);
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      Files.writeString(pidFile(), Long.toString(process.pid()) + "\n", StandardCharsets.UTF_8);
      return process.toHandle();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  /**
   * Asks the process to stop (SIGTERM, so its shutdown hooks run), waits up to {@code grace}, then
   * kills it. Returns true when a running process was stopped.
   */
  public boolean stop(Duration grace) {
    Optional<ProcessHandle> process = running();
    process.ifPresent(
        h -> {
          h.destroy();
          try {
            h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            h.destroyForcibly();
            h.onExit().join();
          } catch (Exception e) {
            h.destroyForcibly();
          }
        });
    try {
      Files.deleteIfExists(pidFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return process.isPresent();
  }

  /**
   * Waits until something accepts connections on 127.0.0.1:{@code port}; fails early, pointing at
   * the log, when the process dies first.
   */
  public void awaitPort(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!portAnswers(port)) {
      if (running().isEmpty()) {
        throw new IllegalStateException(name + " exited during start-up; see " + logFile());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            name + " did not answer on port " + port + " within " + timeout + "; see " + logFile());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
    }
  }

  /** True when something accepts TCP connections on 127.0.0.1:{@code port}. */
  public static boolean portAnswers(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
