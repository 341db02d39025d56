package io.fhirflow.bench.sink;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of this JVM (broker, Connect worker, sink tasks) and of the local PostgreSQL server
 * between two points, so a run says where a row's microseconds go. PostgreSQL's share is read from
 * /proc: every live {@code postgres} process plus the postmaster's reaped children (backends that
 * exited in between). Linux only; elsewhere the server's share reads as NaN.
 */
final class CpuMeter {

  /** USER_HZ: the unit of /proc/[pid]/stat times on every Linux architecture Java runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long jvmStartNanos = jvmCpuNanos();
  private final double postgresStartSeconds = postgresCpuSeconds();

  String perRow(long rows) {
    double jvm = (jvmCpuNanos() - jvmStartNanos) / 1e3 / rows;
    double pg = (postgresCpuSeconds() - postgresStartSeconds) * 1e6 / rows;
    return String.format(java.util.Locale.ROOT, "%.1f / %.1f", jvm, pg);
  }

  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double postgresCpuSeconds() {
    long ticks = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(p.resolve("stat"));
          // pid (comm) state ppid ... : fields after the closing parenthesis, 1-based from state.
          int close = stat.lastIndexOf(')');
          String comm = stat.substring(stat.indexOf('(') + 1, close);
          if (!comm.equals("postgres")) {
            continue;
          }
          String[] f = stat.substring(close + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
          if (f[1].equals("1") || isPostmaster(f)) {
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
  private static boolean isPostmaster(String[] fieldsAfterComm) {
    try {
      String parentStat = Files.readString(Path.of("/proc", fieldsAfterComm[1], "stat"));
      return !parentStat.contains("(postgres)");
    } catch (IOException e) {
      return false;
    }
  }
}
