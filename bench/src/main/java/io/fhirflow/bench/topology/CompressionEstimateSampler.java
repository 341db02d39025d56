package io.fhirflow.bench.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.record.internal.CompressionRatioEstimator;
import org.apache.kafka.common.record.internal.CompressionType;

/**
 * Diagnostic (with {@code -Dbench.producer.totals=true}, {@link StreamsWriteReport#DIAGNOSTICS}):
 * samples, every millisecond, the producer's JVM-wide estimate of the lz4 compression ratio per
 * topic. A producer calls a batch full when its uncompressed bytes times this estimate reach {@code
 * batch.size}, and one full batch sends every open batch to that broker, so an estimate that jumps
 * up cuts a transaction's output into more produce requests (BENCHMARKS.md, "With 1 % deletions").
 * Reads Kafka's internal class: the estimate has no metric; a benchmark diagnostic may depend on
 * internals, the product may not.
 */
final class CompressionEstimateSampler implements AutoCloseable {

  private final List<String> topics;
  private final Map<String, List<Float>> samples = new TreeMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  CompressionEstimateSampler(List<String> topics) {
    this.topics = List.copyOf(topics);
    topics.forEach(t -> samples.put(t, new ArrayList<>()));
    thread = new Thread(this::run, "compression-estimate-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      for (String topic : topics) {
        samples.get(topic).add(CompressionRatioEstimator.estimation(topic, CompressionType.LZ4));
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One line per topic: p50, p90, max and the share of time above 0.5 of the estimate. */
  String report() {
    StringBuilder out = new StringBuilder("lz4 ratio estimate (p50 / p90 / max / share > 0.5):");
    samples.forEach(
        (topic, values) -> {
          if (values.isEmpty()) {
            return;
          }
          float[] sorted = new float[values.size()];
          long high = 0;
          for (int i = 0; i < sorted.length; i++) {
            sorted[i] = values.get(i);
            high += sorted[i] > 0.5f ? 1 : 0;
          }
          java.util.Arrays.sort(sorted);
          out.append(
              String.format(
                  " %s=%.2f/%.2f/%.2f/%.0f%%",
                  topic,
                  sorted[sorted.length / 2],
                  sorted[sorted.length * 9 / 10],
                  sorted[sorted.length - 1],
                  100.0 * high / sorted.length));
        });
    return out.toString();
  }
}
