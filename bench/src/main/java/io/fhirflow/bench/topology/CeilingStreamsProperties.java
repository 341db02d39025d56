package io.fhirflow.bench.topology;

import io.fhirflow.topology.TopologyConfig;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams settings the benchmark's ceilings ({@link PassThroughApp}, {@link
 * StreamsFloorApp}) share with the topology: exactly_once_v2, the same threads, commit interval and
 * producer settings ({@link TopologyConfig#producerDefaults}). The topology sets no RocksDB config
 * setter and leaves the record cache ({@code statestore.cache.max.bytes}) at Kafka's default, so
 * neither do these.
 */
final class CeilingStreamsProperties {

  private CeilingStreamsProperties() {}

  /**
   * @param streamsDefaults true: Kafka Streams' own producer defaults (no compression, 16 KiB
   *     batches) instead of the topology's producer settings
   */
  static Properties of(
      String applicationIdPrefix,
      String bootstrap,
      int threads,
      int commitIntervalMs,
      String stateDir,
      boolean streamsDefaults) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationIdPrefix + System.nanoTime());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
    if (!streamsDefaults) {
      // The topology's producer settings, so the ceiling is fair.
      TopologyConfig.producerDefaults(commitIntervalMs)
          .forEach((key, value) -> p.put(StreamsConfig.producerPrefix(key), value));
    }
    return p;
  }
}
