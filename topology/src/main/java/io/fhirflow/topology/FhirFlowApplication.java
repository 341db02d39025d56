package io.fhirflow.topology;

import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.topology.metrics.RedisMetricsWriter;
import io.fhirflow.topology.ops.FlowCounters;
import io.fhirflow.topology.ops.OpsHttpServer;
import io.fhirflow.topology.ops.ProgressWatch;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
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

  /**
   * How often Kafka Streams' metrics are re-read for new ones: task, processor and state-store
   * metrics appear when tasks are assigned, after start and after each rebalance. Micrometer's
   * default, 60 s, left them out of /metrics for a minute; a lookup every 10 s costs nothing.
   */
  private static final Duration METRICS_REFRESH = Duration.ofSeconds(10);

  private final TopologyConfig config;
  private final PrometheusMeterRegistry registry;
  private final FlowCounters counters;
  private final RedisMetricsWriter redis;
  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final OpsHttpServer http;
  private final ProgressWatch progress;
  private final Admin admin;
  private final ScheduledExecutorService progressChecks;
  private final Deserializer<WearableSample> deserializer;

  /**
   * Builds and starts everything.
   *
   * @param deserializer configured Avro deserializer for the raw topic
   */
  public FhirFlowApplication(
      TopologyConfig config,
      FhirMapper mapper,
      Deserializer<WearableSample> deserializer,
      Clock clock) {
    this.config = config;
    this.deserializer = deserializer;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.counters = new FlowCounters(registry, config.topics().raw());
    TopologySettings settings = config.settings();
    this.redis =
        settings.metricsEnabled()
            ? new RedisMetricsWriter(
                config.redisUrl().value(),
                config.getInt(TopologyConfig.METRICS_QUEUE_BATCHES_CONFIG),
                Duration.ofMillis(config.getLong(TopologyConfig.METRICS_REDIS_TIMEOUT_MS_CONFIG)),
                registry,
                // One marker per process: each writer notices the loss of its own view.
                new RedisKeyLayout(settings.redisKeyPrefix())
                    .writerMarker(
                        config.getString(TopologyConfig.APPLICATION_ID_CONFIG)
                            + ":"
                            + UUID.randomUUID()),
                Duration.ofMillis(
                    config.getLong(TopologyConfig.METRICS_REDIS_HEAL_CHECK_MS_CONFIG)))
            : null;
    Topology topology =
        FhirFlowTopology.build(
            config.topics(),
            mapper,
            deserializer,
            clock,
            settings,
            counters,
            redis,
            UnaryOperator.identity());
    Properties props = config.streamsProperties(counters);
    this.streams = new KafkaStreams(topology, props);
    this.streamsMetrics =
        new KafkaStreamsMetrics(
            streams,
            List.of(),
            Executors.newSingleThreadScheduledExecutor(daemon("kafka-metrics-refresh")),
            METRICS_REFRESH);
    streamsMetrics.bindTo(registry);
    bindProcessMetrics();
    Duration stall = Duration.ofMillis(config.getLong(TopologyConfig.HEALTH_STALL_MS_CONFIG));
    this.progress =
        new ProgressWatch(
            stall,
            Duration.ofMillis(config.getLong(TopologyConfig.HEALTH_LIVENESS_GRACE_MS_CONFIG)),
            System::currentTimeMillis);
    // A thread that dies on an unexpected error is replaced; its tasks resume from the last commit.
    streams.setUncaughtExceptionHandler(
        e -> {
          log.error("stream thread died, replacing it error={}", e.getClass().getName());
          progress.threadDied();
          return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    this.admin = Admin.create(new StreamsConfig(props).getAdminConfigs("fhirflow-health"));
    this.progressChecks =
        Executors.newSingleThreadScheduledExecutor(daemon("fhirflow-progress-watch"));
    long checkMillis = Math.max(100, Math.min(5_000, stall.toMillis() / 4));
    progressChecks.scheduleWithFixedDelay(
        this::checkProgress, checkMillis, checkMillis, TimeUnit.MILLISECONDS);
    Gauge.builder("fhirflow.streams.progressing", progress, p -> p.progressing() ? 1 : 0)
        .description(
            "1 while every task makes progress, 0 while one is stalled or stream threads keep dying (/health/ready 503)")
        .register(registry);
    this.http =
        new OpsHttpServer(
            config.getInt(TopologyConfig.HTTP_PORT_CONFIG),
            streams::state,
            progress::progressing,
            progress::alive,
            progress::describe,
            registry);
    log.debug("topology {}", topology.describe());
    requireCoPartitionedInputs();
    streams.start();
    log.info(
        "fhirflow topology started application.id={} http.port={}",
        config.getString(TopologyConfig.APPLICATION_ID_CONFIG),
        http.port());
  }

  /**
   * The erasure topic and every tenant's raw topic present now are read in the raw topic's tasks
   * (one sub-topology) and must have its partition count ({@link CoPartitioning}). Fatal at start,
   * like any broken configuration. When the topics cannot be listed or described (the broker not
   * reachable yet) Kafka Streams reports missing topics itself. A tenant topic created later is
   * checked by {@code fhirflow tenant add} (docs/tenants.md).
   */
  private void requireCoPartitionedInputs() {
    Topics topics = config.topics();
    Map<String, Integer> partitions = new HashMap<>();
    try {
      Pattern raws = Tenants.rawTopics(topics.raw());
      List<String> names = new ArrayList<>(List.of(topics.raw(), topics.erasure()));
      for (String name : admin.listTopics().names().get(30, TimeUnit.SECONDS)) {
        if (!name.equals(topics.raw()) && raws.matcher(name).matches()) {
          names.add(name);
        }
      }
      admin
          .describeTopics(names)
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .forEach((name, d) -> partitions.put(name, d.partitions().size()));
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.warn(
          "could not compare the partitions of the raw, tenant and erasure topics error={}",
          e.getClass().getName());
      return;
    }
    List<String> mismatches =
        CoPartitioning.mismatches(
            topics.raw(),
            TopologyConfig.TOPIC_RAW_CONFIG,
            topics.erasure(),
            TopologyConfig.TOPIC_ERASURE_CONFIG,
            partitions);
    if (!mismatches.isEmpty()) {
      close();
      throw new IllegalStateException(String.join("; ", mismatches));
    }
  }

  /**
   * Reads, for each active task of this instance, the group's committed offset of its raw partition
   * and the highest offset it processed, and hands them to the {@link ProgressWatch}. A failed read
   * (Kafka unreachable) changes nothing: no progress is seen, so a long outage stalls too.
   */
  private void checkProgress() {
    try {
      String raw = config.topics().raw();
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(config.getString(TopologyConfig.APPLICATION_ID_CONFIG))
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      List<ProgressWatch.TaskProgress> tasks = new ArrayList<>();
      for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
        for (TaskMetadata task : thread.activeTasks()) {
          for (TopicPartition tp : task.topicPartitions()) {
            if (Tenants.ofRawTopic(raw, tp.topic()) != null) {
              OffsetAndMetadata c = committed.get(tp);
              tasks.add(
                  new ProgressWatch.TaskProgress(
                      task.taskId(), tp, c == null ? 0 : c.offset(), counters.highestSeen(tp)));
            }
          }
        }
      }
      progress.observe(tasks);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      log.warn("progress check failed error={}", e.getClass().getName());
    }
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

  /**
   * Graceful: commits and closes stores (static members stay in the group for a rolling restart),
   * then stops the writer and the port.
   */
  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * What operators watch besides the flow: heap and GC (the state stores' caches and a sync storm
   * live there), CPU, and whether Kafka Streams is RUNNING. The state is a number because Kafka
   * Streams' own state metric is a string, which Prometheus cannot carry.
   */
  private void bindProcessMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Gauge.builder(
            "fhirflow.streams.running",
            streams,
            s -> s.state() == KafkaStreams.State.RUNNING ? 1 : 0)
        .description(
            "1 while Kafka Streams is RUNNING, 0 in any other state (REBALANCING, ERROR, ...)")
        .register(registry);
  }

  @Override
  public void close() {
    Duration timeout = Duration.ofMillis(config.getLong(TopologyConfig.SHUTDOWN_TIMEOUT_MS_CONFIG));
    // A static member stays in the group unless told to leave (a scale-in): docs/operations.md.
    CloseOptions.GroupMembershipOperation membership =
        config.getBoolean(TopologyConfig.SHUTDOWN_LEAVE_GROUP_CONFIG)
            ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
            : CloseOptions.GroupMembershipOperation.DEFAULT;
    boolean clean =
        streams.close(CloseOptions.timeout(timeout).withGroupMembershipOperation(membership));
    if (!clean) {
      log.warn("kafka streams did not close within timeout ms={}", timeout.toMillis());
    }
    if (redis != null) {
      redis.close();
    }
    deserializer.close();
    http.close();
    progressChecks.shutdownNow();
    admin.close(Duration.ofSeconds(5));
    streamsMetrics.close();
    registry.close();
  }
}
