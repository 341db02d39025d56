package io.fhirflow.bench.topology;

import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * What the topology writes per sample, by topic, from the Kafka clients' own counters: records and
 * (compressed) bytes its producers sent to each topic (output topics and the stores' changelogs),
 * the transactions its stream threads committed and the requests its producers made. The CPU of the
 * broker and of the producer's I/O thread follows these counts rather than the samples, so this is
 * the breakdown that says why a feature that adds a changelogged store or an output record costs
 * more than its own processing (issues 14, 17, 19).
 */
final class StreamsWriteReport {

  /** {@code -Dbench.producer.totals=true}: also print every producer counter and broker request. */
  static final boolean DIAGNOSTICS = Boolean.getBoolean("bench.producer.totals");

  /** A snapshot of the counters that matter, summed over every client of the application. */
  record Snapshot(
      Map<String, Double> recordsByTopic,
      Map<String, Double> bytesByTopic,
      double commits,
      double punctuations,
      double produceRequests,
      Map<String, Double> producerTotals,
      Map<String, Double> brokerRequests) {

    static Snapshot of(Map<MetricName, ? extends Metric> metrics) {
      Map<String, Double> records = new TreeMap<>();
      Map<String, Double> bytes = new TreeMap<>();
      double commits = 0;
      double punctuations = 0;
      double requests = 0;
      Map<String, Double> producerTotals = new TreeMap<>();
      for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
        MetricName n = e.getKey();
        if (!(e.getValue().metricValue() instanceof Double value) || value.isNaN()) {
          continue;
        }
        if (n.group().equals("producer-metrics") && n.name().endsWith("-total")) {
          producerTotals.merge(n.name(), value, Double::sum);
        }
        if (n.group().equals("producer-topic-metrics") && n.name().equals("compression-rate")) {
          // An average over the last window, per producer: kept as the largest, not summed.
          producerTotals.merge(
              "compression-rate:" + n.tags().get("topic") + ":" + n.tags().get("client-id"),
              value,
              Math::max);
        }
        switch (n.group() + "/" + n.name()) {
          case "producer-topic-metrics/record-send-total" ->
              records.merge(n.tags().get("topic"), value, Double::sum);
          case "producer-topic-metrics/byte-total" ->
              bytes.merge(n.tags().get("topic"), value, Double::sum);
          case "stream-thread-metrics/commit-total" -> commits += value;
          case "stream-thread-metrics/punctuate-total" -> punctuations += value;
          case "producer-metrics/request-total" -> requests += value;
          default -> {}
        }
      }
      return new Snapshot(
          records,
          bytes,
          commits,
          punctuations,
          requests,
          producerTotals,
          DIAGNOSTICS ? BrokerRequestCounts.now() : Map.of());
    }
  }

  private StreamsWriteReport() {}

  /** A Markdown table of what the topology wrote per sample between two snapshots. */
  static String perSample(Snapshot before, Snapshot after, String applicationId, long samples) {
    return perSample("the topology", before, after, applicationId, samples);
  }

  /** A Markdown table of what {@code writer} wrote per sample between two snapshots. */
  static String perSample(
      String writer, Snapshot before, Snapshot after, String applicationId, long samples) {
    StringBuilder out = new StringBuilder();
    out.append("| topic written by ")
        .append(writer)
        .append(" | records per sample | bytes per sample |\n");
    out.append("|---|---:|---:|\n");
    double totalRecords = 0;
    double totalBytes = 0;
    for (String topic : after.recordsByTopic().keySet()) {
      double r = delta(before.recordsByTopic(), after.recordsByTopic(), topic) / samples;
      double b = delta(before.bytesByTopic(), after.bytesByTopic(), topic) / samples;
      if (r == 0 && b == 0) {
        continue;
      }
      totalRecords += r;
      totalBytes += b;
      // Changelogs are named <application.id>-<store>-changelog; the id is the run's, not news.
      String shown =
          topic.startsWith(applicationId + "-")
              ? topic.substring(applicationId.length() + 1)
              : topic;
      out.append(String.format("| %s | %.3f | %.0f |%n", shown, r, b));
    }
    out.append(String.format("| **all** | **%.3f** | **%.0f** |%n", totalRecords, totalBytes));
    double commits = after.commits() - before.commits();
    out.append(
        String.format(
            "transactions committed: %.0f (%.0f samples each); punctuations: %.0f; producer requests per sample: %.3f%n",
            commits,
            commits == 0 ? Double.NaN : samples / commits,
            after.punctuations() - before.punctuations(),
            (after.produceRequests() - before.produceRequests()) / samples));
    // Every other counter of the producers, per 1,000 samples, for a question the lines above do
    // not answer (which requests, retries, splits or flushes a feature adds).
    if (DIAGNOSTICS) {
      out.append("producer counters per 1,000 samples:");
      // Compression ratios are averages, not counters: printed as they are at the end.
      after.producerTotals().entrySet().stream()
          .filter(e -> e.getKey().startsWith("compression-rate:"))
          .forEach(e -> out.append(String.format(" %s=%.3f", e.getKey(), e.getValue())));
      appendPerThousand(out, before.producerTotals(), after.producerTotals(), samples);
      out.append("\nbroker requests per 1,000 samples:");
      appendPerThousand(out, before.brokerRequests(), after.brokerRequests(), samples);
      out.append('\n');
    }
    return out.toString();
  }

  /** Each counter that moved, as " name=value" per 1,000 samples (ratios are left out). */
  private static void appendPerThousand(
      StringBuilder out, Map<String, Double> before, Map<String, Double> after, long samples) {
    for (String name : after.keySet()) {
      double d = delta(before, after, name);
      if (d != 0 && !name.startsWith("compression-rate:")) {
        out.append(String.format(" %s=%.3f", name, d * 1000 / samples));
      }
    }
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
    return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
  }
}
