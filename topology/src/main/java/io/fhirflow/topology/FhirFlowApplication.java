package io.fhirflow.topology;

import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.schema.WearableSample;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running topology process: Kafka Streams, the Redis writer, the metrics registry and the
 * operations port, started together and closed in reverse order. {@link Main} runs one; the
 * integration tests run the same assembly.
 */
public final class FhirFlowApplication implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FhirFlowApplication.class);

  private final TopologyConfig config;
  private final PrometheusMeterRegistry registry;
  private final FlowCounters counters;
  private final RedisMetricsWriter redis;
  private final KafkaStreams streams;
  private final OpsHttpServer http;
  private final Deserializer<WearableSample> deserializer;

  /**
   * Builds and starts everything.
   *
   * @param deserializer configured Avro deserializer for the raw topic
   */
  public FhirFlowApplication(TopologyConfig config, FhirMapper mapper, Deserializer<WearableSample> deserializer, Clock clock) {
    this.config = config;
    this.deserializer = deserializer;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.counters = new FlowCounters(registry);
    TopologySettings settings = config.settings();
    this.redis = settings.metricsEnabled()
        ? new RedisMetricsWriter(config.redisUrl().value(), config.getInt(TopologyConfig.METRICS_QUEUE_BATCHES_CONFIG),
            Duration.ofMillis(config.getLong(TopologyConfig.METRICS_REDIS_TIMEOUT_MS_CONFIG)), registry)
        : null;
    Topology topology = FhirFlowTopology.build(config.topics(), mapper, deserializer, clock, settings, counters, redis);
    Properties props = config.streamsProperties(counters);
    this.streams = new KafkaStreams(topology, props);
    new KafkaStreamsMetrics(streams).bindTo(registry);
    // A thread that dies on an unexpected error is replaced; its tasks resume from the last commit.
    streams.setUncaughtExceptionHandler(e -> {
      log.error("stream thread died, replacing it error={}", e.getClass().getName());
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    this.http = new OpsHttpServer(config.getInt(TopologyConfig.HTTP_PORT_CONFIG), streams::state, registry);
    log.debug("topology {}", topology.describe());
    streams.start();
    log.info("fhirflow topology started application.id={} http.port={}", config.getString(TopologyConfig.APPLICATION_ID_CONFIG), http.port());
  }

  public KafkaStreams streams() {
    return streams;
  }

  public FlowCounters counters() {
    return counters;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public int httpPort() {
    return http.port();
  }

  /** Graceful: commits and closes stores (static members stay in the group for a rolling restart), then stops the writer and the port. */
  @Override
  public void close() {
    Duration timeout = Duration.ofMillis(config.getLong(TopologyConfig.SHUTDOWN_TIMEOUT_MS_CONFIG));
    boolean clean = streams.close(CloseOptions.timeout(timeout));
    if (!clean) {
      log.warn("kafka streams did not close within timeout ms={}", timeout.toMillis());
    }
    if (redis != null) {
      redis.close();
    }
    deserializer.close();
    http.close();
    registry.close();
  }
}
