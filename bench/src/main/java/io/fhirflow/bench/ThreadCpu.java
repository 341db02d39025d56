package io.fhirflow.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time of this JVM's threads between two points, grouped by what the thread does (stream
 * threads, Connect tasks, producer I/O, broker, ...), so a benchmark says where a sample's
 * microseconds go. JIT, GC and other VM threads are not Java threads: on Linux the JIT's compiler
 * threads and the GC's worker threads are read from {@code /proc/self/task} by their names (the JVM
 * names them "C1 CompilerThre…", "C2 CompilerThre…", "GC Thread#…"), because a benchmark still
 * compiling in its measured window shows as a higher cost per sample that a longer warm-up would
 * not pay; the rest of the VM and threads that exited stay the process total minus the groups.
 */
public final class ThreadCpu {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  static final String JIT = "JIT compiler threads";

  /**
   * Threads the benchmark itself runs (named {@code bench-…}): its samplers and load, not the
   * product's work.
   */
  public static final String DRIVER = "benchmark driver";

  static final String GC = "GC threads";
  static final String VM = "VM and exited threads";

  private final Map<Long, Long> startNanos = new HashMap<>();
  private final Map<String, Long> vmThreadsStart = VmThreads.cpuNanosByTask();
  private final long processStart = processCpuNanos();

  private ThreadCpu() {}

  public static ThreadCpu start() {
    ThreadCpu t = new ThreadCpu();
    for (long id : THREADS.getAllThreadIds()) {
      t.startNanos.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
    }
    return t;
  }

  /** Microseconds of CPU per sample since {@link #start}, by thread group, largest first. */
  public Map<String, Double> microsPerSample(long samples) {
    Map<String, Long> nanos = new HashMap<>();
    long threadsTotal = 0;
    for (var info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long now = THREADS.getThreadCpuTime(info.getThreadId());
      if (now < 0) {
        continue;
      }
      long used = now - startNanos.getOrDefault(info.getThreadId(), 0L);
      nanos.merge(group(info.getThreadName()), used, Long::sum);
      threadsTotal += used;
    }
    long vmThreadsTotal = 0;
    for (Map.Entry<String, Long> task : VmThreads.cpuNanosByTask().entrySet()) {
      String group = VmThreads.group(task.getKey());
      if (group != null) {
        long used = task.getValue() - vmThreadsStart.getOrDefault(task.getKey(), 0L);
        nanos.merge(group.equals(VmThreads.COMPILER) ? JIT : GC, used, Long::sum);
        vmThreadsTotal += used;
      }
    }
    nanos.merge(
        VM,
        Math.max(0, processCpuNanos() - processStart - threadsTotal - vmThreadsTotal),
        Long::sum);
    return nanos.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e -> e.getValue() / 1e3 / samples,
                (a, b) -> a,
                LinkedHashMap::new));
  }

  /**
   * The {@code top} threads of the "other Java threads" group by CPU per sample since {@link
   * #start}, named: what the group holds differs from one version of the product to the next.
   */
  public String others(long samples, int top) {
    Map<String, Long> nanos = new HashMap<>();
    for (var info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info == null || !group(info.getThreadName()).equals("other Java threads")) {
        continue;
      }
      long now = THREADS.getThreadCpuTime(info.getThreadId());
      if (now >= 0) {
        nanos.merge(
            info.getThreadName(), now - startNanos.getOrDefault(info.getThreadId(), 0L), Long::sum);
      }
    }
    return nanos.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / 1e3 / samples))
        .collect(Collectors.joining(", "));
  }

  /** The whole process: the groups add up to it, the VM's own threads being the remainder. */
  public static double total(Map<String, Double> groups) {
    return groups.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** {@link #total} without the benchmark's own threads ({@link #DRIVER}). */
  public static double product(Map<String, Double> groups) {
    return total(groups) - groups.getOrDefault(DRIVER, 0.0);
  }

  public static String format(Map<String, Double> groups) {
    return groups.entrySet().stream()
        .map(e -> String.format("%s %.1f", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", "));
  }

  private static String group(String thread) {
    if (thread.startsWith("kafka-producer-network-thread")) {
      return "producer I/O";
    }
    if (thread.contains("StreamThread")) {
      return "stream threads";
    }
    if (thread.startsWith("task-thread-") || thread.startsWith("pool-")) {
      return "Connect task threads";
    }
    if (thread.startsWith("data-plane")
        || thread.startsWith("kafka-")
        || thread.contains("Txn")
        || thread.startsWith("broker-")
        || thread.contains("Partitions")
        || thread.startsWith("quorum")
        || thread.startsWith("raft")
        || thread.contains("log-")
        || thread.startsWith("ReplicaFetcher")
        || thread.startsWith("group-coordinator")
        || thread.startsWith("executor-")
        || thread.contains("ExpirationReaper")
        || thread.startsWith("transaction")) {
      return "broker";
    }
    if (thread.startsWith("lettuce") || thread.startsWith("fhirflow-redis")) {
      return "redis writer";
    }
    if (thread.startsWith("bench-")) {
      return DRIVER;
    }
    return "other Java threads";
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
