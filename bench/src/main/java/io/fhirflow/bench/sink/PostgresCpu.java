package io.fhirflow.bench.sink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of the local PostgreSQL server between two points, read from /proc: every live
 * {@code postgres} process plus the postmaster's reaped children (backends that exited in
 * between). Linux only; elsewhere it reads as NaN. The JVM's share is {@code ThreadCpu}'s.
 */
final class PostgresCpu {

  /** USER_HZ: the unit of /proc/[pid]/stat times on every Linux architecture Java runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final double startSeconds = cpuSeconds();

  private PostgresCpu() {}

  static PostgresCpu start() {
    return new PostgresCpu();
  }

  double microsPerRow(long rows) {
    return (cpuSeconds() - startSeconds) * 1e6 / rows;
  }

  private static double cpuSeconds() {
    long ticks = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(p.resolve("stat"));
          // pid (comm) state ppid ...: fields after the closing parenthesis, 0-based from state.
          int close = stat.lastIndexOf(')');
          if (!stat.substring(stat.indexOf('(') + 1, close).equals("postgres")) {
            continue;
          }
          String[] f = stat.substring(close + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
          if (isPostmaster(f[1])) {
            ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]); // cutime, cstime: exited backends
          }
        } catch (IOException | RuntimeException gone) {
          // the process exited while we looked: its time is in the postmaster's cutime
        }
      }
    } catch (IOException e) {
      return Double.NaN;
    }
    return ticks / TICKS_PER_SECOND;
  }

  /** The postmaster is the postgres process whose parent is not a postgres process. */
  private static boolean isPostmaster(String parentPid) {
    try {
      return !Files.readString(Path.of("/proc", parentPid, "stat")).contains("(postgres)");
    } catch (IOException e) {
      return false;
    }
  }
}
