package io.fhirflow.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of this JVM's own threads that are not Java threads (the JIT's compilers, the GC's
 * workers), read from Linux's {@code /proc/self/task/<tid>/stat}: {@code ThreadMXBean} sees Java
 * threads only. Elsewhere it reads nothing, and those threads stay in the remainder {@link
 * ThreadCpu} reports. Resolution is the kernel's clock tick (10 ms), ample over a measured window
 * of seconds.
 */
final class VmThreads {

  static final String COMPILER = "compiler";
  static final String GC = "gc";

  /** USER_HZ: the unit of utime and stime in {@code stat}; 100 on every Linux this runs on. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private VmThreads() {}

  /** Key "tid name" → user + system CPU nanoseconds, for the compiler and GC threads alive now. */
  static Map<String, Long> cpuNanosByTask() {
    Map<String, Long> byTask = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      tasks.forEach(task -> read(task, byTask));
    } catch (IOException | SecurityException e) {
      // Not Linux, or no /proc: the caller's remainder keeps these threads.
    }
    return byTask;
  }

  /** {@link #COMPILER}, {@link #GC} or null, from a key of {@link #cpuNanosByTask}. */
  static String group(String taskKey) {
    String name = taskKey.substring(taskKey.indexOf(' ') + 1);
    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
      return COMPILER;
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
      return GC;
    }
    return null;
  }

  private static void read(Path task, Map<String, Long> byTask) {
    String stat;
    try {
      stat = Files.readString(task.resolve("stat"));
    } catch (IOException e) {
      return; // the thread ended while listed
    }
    // "tid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ')'.
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    String key = task.getFileName() + " " + stat.substring(open + 1, close);
    if (group(key) == null) {
      return;
    }
    String[] fields = stat.substring(close + 2).split(" ");
    // After the comm: state is field 3 of stat(5), utime 14 and stime 15.
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    byTask.put(key, ticks * NANOS_PER_TICK);
  }
}
