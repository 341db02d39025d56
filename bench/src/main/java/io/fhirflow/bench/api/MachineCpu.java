package io.fhirflow.bench.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU ticks (USER_HZ, 100 a second) of the whole machine, of every {@code postgres} process and of
 * this JVM, read from /proc (Linux only; elsewhere -1), so the bare-SQL ceiling can say what a
 * query costs on both sides of the connection, as {@code bench/api/run.sh} says it of the API's
 * runs. On a shared machine the machine and PostgreSQL figures include whatever else ran.
 */
record MachineCpu(long machine, long postgres, long self) {

  static MachineCpu now() {
    return new MachineCpu(machineTicks(), postgresTicks(), processTicks("self"));
  }

  /** Milliseconds of CPU per request between {@code before} and this reading, as text. */
  String perRequest(MachineCpu before, long requests) {
    return String.format(
        "machine=%.2fms postgres=%.2fms jvm=%.2fms",
        ms(machine - before.machine, requests),
        ms(postgres - before.postgres, requests),
        ms(self - before.self, requests));
  }

  private static double ms(long ticks, long requests) {
    return ticks * 10.0 / requests;
  }

  /** user + nice + system + irq + softirq + steal of the first line of /proc/stat. */
  private static long machineTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      return Long.parseLong(f[1])
          + Long.parseLong(f[2])
          + Long.parseLong(f[3])
          + Long.parseLong(f[6])
          + Long.parseLong(f[7])
          + Long.parseLong(f[8]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long postgresTicks() {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> "postgres".equals(comm(p)))
          .mapToLong(p -> processTicks(p.getFileName().toString()))
          .filter(t -> t > 0)
          .sum();
    } catch (IOException e) {
      return -1;
    }
  }

  private static String comm(Path proc) {
    try {
      return Files.readString(proc.resolve("comm")).trim();
    } catch (IOException e) {
      return "";
    }
  }

  /** utime + stime of /proc/[pid]/stat (fields 14 and 15, counted after the command's ')'). */
  private static long processTicks(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
