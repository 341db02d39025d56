package io.fhirflow.bench.api;

import io.fhirflow.bench.sink.PostgresCpu;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU seconds of the whole machine (/proc/stat), of every {@code postgres} process ({@link
 * PostgresCpu#everyProcessSeconds}) and of this JVM, so the bare-SQL ceiling can say what a query
 * costs on both sides of the connection, as {@code bench/api/run.sh} says it of the API's runs. On
 * a shared machine the machine and PostgreSQL figures include whatever else ran; without /proc they
 * are NaN.
 */
record MachineCpu(double machine, double postgres, double self) {

  /** USER_HZ, the unit of /proc/stat on every Linux architecture Java runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  static MachineCpu now() {
    return new MachineCpu(
        machineSeconds(),
        PostgresCpu.everyProcessSeconds(),
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime()
            / 1e9);
  }

  /** Milliseconds of CPU per request between {@code before} and this reading, as text. */
  String perRequest(MachineCpu before, long requests) {
    return String.format(
        "machine=%.2fms postgres=%.2fms jvm=%.2fms",
        (machine - before.machine) * 1e3 / requests,
        (postgres - before.postgres) * 1e3 / requests,
        (self - before.self) * 1e3 / requests);
  }

  /** user + nice + system + irq + softirq + steal of the first line of /proc/stat. */
  private static double machineSeconds() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long ticks = 0;
      for (int field : new int[] {1, 2, 3, 6, 7, 8}) {
        ticks += Long.parseLong(f[field]);
      }
      return ticks / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
