package io.fhirflow.bench.faults;

import io.fhirflow.contracts.PipelineTopic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One phase of the fault run's scaling measurement ({@code bench/run-faults --scaling}): a consumer
 * group (a fresh {@code application.id}) drains the raw topic's backlog from its start; every
 * second the probe reads the group's committed offsets, and once it has committed the whole backlog
 * (or the deadline passed) prints one tab-separated line: group, records, seconds from 10 % to 90 %
 * of the backlog committed, and the records per second over that window (startup, group formation
 * and the last partitions' tail left out, so the figure is the rate the instances sustain
 * together); then the same two figures from 50 % to 90 %, the warm window. Every phase starts fresh
 * JVMs, and three instances pay the JIT's compile-up three times on the same two cores in the first
 * seconds of their window; the warm window is the rate once that is done, which is what a
 * long-running deployment sees.
 *
 * <p>{@code ScalingProbe --bootstrap-servers B --group G [--timeout-s 900]}
 */
public final class ScalingProbe {

  private ScalingProbe() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args);
    String group = options.get("group");
    long deadline =
        System.currentTimeMillis()
            + 1000L * Long.parseLong(options.getOrDefault("timeout-s", "900"));
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.get("bootstrap-servers"));
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 900);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 900);
    List<String> raw = List.of(PipelineTopic.Names.RAW);
    try (Admin admin = Admin.create(config)) {
      FaultSampler.Offsets offsets = new FaultSampler.Offsets(admin);
      Long backlog = null;
      while (backlog == null) {
        backlog = offsets.end(raw);
      }
      List<long[]> samples = new ArrayList<>(); // {millis, committed}
      long committed = 0;
      while (committed < backlog && System.currentTimeMillis() < deadline) {
        Long c = offsets.committed(group, raw);
        if (c != null) {
          committed = c;
          samples.add(new long[] {System.currentTimeMillis(), committed});
        }
        Thread.sleep(1000);
      }
      System.out.println(result(group, backlog, samples));
      if (committed < backlog) {
        System.exit(1);
      }
    }
  }

  /** The tab-separated result line; the 10 %, 50 % and 90 % moments are interpolated. */
  static String result(String group, long backlog, List<long[]> samples) {
    return group
        + "\t"
        + backlog
        + "\t"
        + window(backlog, samples, 0.1)
        + "\t"
        + window(backlog, samples, 0.5);
  }

  /** Seconds and records/s from {@code from} × the backlog committed to 90 %, tab-separated. */
  private static String window(long backlog, List<long[]> samples, double from) {
    double seconds = (when(samples, backlog * 0.9) - when(samples, backlog * from)) / 1000.0;
    double rate =
        Double.isNaN(seconds) || seconds <= 0 ? Double.NaN : backlog * (0.9 - from) / seconds;
    return String.format(java.util.Locale.ROOT, "%.1f\t%.1f", seconds, rate);
  }

  private static double when(List<long[]> samples, double target) {
    for (int i = 1; i < samples.size(); i++) {
      long[] a = samples.get(i - 1);
      long[] b = samples.get(i);
      if (a[1] < target && b[1] >= target) {
        return a[0] + (b[0] - a[0]) * (target - a[1]) / (double) (b[1] - a[1]);
      }
    }
    return samples.isEmpty() || samples.get(0)[1] < target ? Double.NaN : samples.get(0)[0];
  }
}
