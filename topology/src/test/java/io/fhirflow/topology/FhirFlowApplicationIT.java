package io.fhirflow.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fhirflow.contracts.DeadLetterHeaders;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.BrokerPerClass;
import io.fhirflow.testkit.ExportedMetrics;
import io.fhirflow.testkit.LocalServices;
import io.fhirflow.testkit.WearableSamples;
import io.fhirflow.topology.ops.FlowCounters;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FhirFlowApplicationIT {

  @RegisterExtension static final BrokerPerClass kafka = new BrokerPerClass();

  /**
   * A tenant's raw topic with another partition count than the raw topic would put the tenant's
   * partitions in tasks that hold none of its state: the application refuses to start, naming it.
   */
  @Test
  void refusesToStartWhenATenantsRawTopicHasAnotherPartitionCount() {
    ItSetup it = new ItSetup(kafka.broker(), 2);
    String acme = Tenants.rawTopic(it.topics.raw(), "acme");
    String beta = Tenants.rawTopic(it.topics.raw(), "beta");
    kafka.broker().createTopics(3, acme);
    kafka.broker().createTopics(2, beta);

    assertThatThrownBy(it::application)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tenant acme's raw topic " + acme + " has 3 partitions")
        .hasMessageNotContaining(beta);
  }

  @Test
  void turnsRawSamplesIntoCommittedFhirDeadLettersAndRedisMetricsEndToEnd() throws Exception {
    ItSetup it = new ItSetup(kafka.broker(), 2);
    Instant now = ItSetup.nowOnOneParisDay();
    List<WearableSample> samples = new ArrayList<>();
    samples.add(
        WearableSamples.healthKitHeartRate()
            .setRecordId("hr-now")
            .setStartTime(now)
            .setEndTime(now)
            .build());
    samples.add(
        WearableSamples.healthKitHeartRate()
            .setRecordId("steps-now")
            .setType("HKQuantityTypeIdentifierStepCount")
            .setStartTime(now.minusSeconds(900))
            .setEndTime(now)
            .setBody(
                io.fhirflow.schema.HkQuantity.newBuilder().setValue(420).setUnit("count").build())
            .build());
    samples.addAll(WearableSamples.oneOfEachKind());
    samples.add(samples.get(0)); // a duplicate
    List<WearableSample> distinct = samples.subList(0, samples.size() - 1);
    int expectedObservations = observationsOf(distinct);
    long rejected =
        distinct.stream()
            .filter(s -> !(TopologyHarness.MAPPER.map(s, false) instanceof Mapped))
            .count();

    try (FhirFlowApplication app = it.application()) {
      it.produce(samples);
      it.produceRaw("user-x".getBytes(StandardCharsets.UTF_8), new byte[] {42, 42});

      List<ConsumerRecord<String, String>> observations =
          it.readCommitted(it.topics.observation(), expectedObservations, Duration.ofSeconds(60));
      assertThat(observations.size()).isEqualTo(expectedObservations);
      observations.forEach(o -> FhirFlowTopologyTest.assertValidFhir(o.value()));
      assertThat(it.readCommitted(it.topics.patient(), 1, Duration.ofSeconds(10))).hasSize(1);

      List<ConsumerRecord<byte[], byte[]>> dead =
          it.readCommittedBytes(it.topics.deadLetter(), (int) rejected + 1, Duration.ofSeconds(30));
      assertThat(dead).hasSize((int) rejected + 1);
      ConsumerRecord<byte[], byte[]> garbage =
          dead.stream()
              .filter(d -> "NOT_WIRE_FORMAT".equals(header(d.headers(), DeadLetterHeaders.REASON)))
              .findFirst()
              .orElseThrow();
      assertThat(garbage.value()).isEqualTo(new byte[] {42, 42});
      assertThat(header(garbage.headers(), DeadLetterHeaders.SOURCE_TOPIC))
          .isEqualTo(it.topics.raw());

      String patient = observations.get(0).key();
      try (RedisClient redis = RedisClient.create(LocalServices.redisUrl());
          StatefulRedisConnection<String, String> c = redis.connect()) {
        String latest = it.redisKeys.latest(Tenants.DEFAULT, patient);
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> c.sync().hgetall(latest).containsKey("heart_rate"));
        assertThat(c.sync().ttl(latest)).isPositive();
        String today = it.parisDayKey(patient, now);
        assertThat(c.sync().hget(today, "heart_rate")).contains("\"count\":1");
        assertThat(c.sync().hget(today, "steps")).contains("\"sum\":420");
        c.sync().del(latest, today);
      }

      FlowCounters counters = app.counters();
      await().atMost(Duration.ofSeconds(10)).until(() -> counters.inCount() == samples.size() + 1);
      assertThat(
              counters.outCount()
                  + counters.updateCount()
                  + counters.duplicateCount()
                  + counters.deadLetteredCount())
          .isEqualTo(counters.inCount());
      assertThat(counters.duplicateCount()).isEqualTo(1);

      HttpClient http = HttpClient.newHttpClient();
      assertThat(get(http, app.httpPort(), "/health/ready").statusCode()).isEqualTo(200);
      assertThat(get(http, app.httpPort(), "/health/live").statusCode()).isEqualTo(200);
      String metrics = get(http, app.httpPort(), "/metrics").body();
      assertThat(metrics)
          .contains(
              "fhirflow_samples_in_total",
              "fhirflow_samples_duplicates_total",
              "fhirflow_samples_dead_lettered_total",
              "kafka_stream_");
      // Task, processor and store metrics reach /metrics within the 10 s metrics refresh.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                String scrape = get(http, app.httpPort(), "/metrics").body();
                java.nio.file.Files.writeString(
                    java.nio.file.Path.of("target/topology-metrics.prom"), scrape);
                ExportedMetrics.assertScrapeHoldsPromised("topology", scrape);
              });
    }
  }

  @Test
  void keepsWritingFhirWhileRedisIsDownAndCountsTheLostMetricBatches() {
    ItSetup it = new ItSetup(kafka.broker(), 1);
    Map<String, Object> config = new HashMap<>(it.config());
    config.put(
        TopologyConfig.METRICS_REDIS_URL_CONFIG, "redis://127.0.0.1:1"); // nothing listens there
    config.put(TopologyConfig.METRICS_REDIS_TIMEOUT_MS_CONFIG, "200");
    List<WearableSample> samples = heartRates(200, Instant.now());

    try (FhirFlowApplication app = it.application(config)) {
      it.produce(samples);
      // Each flush waits out the Redis timeout; on a loaded 2-core machine 200 samples took over
      // 60 s (125 and 171 seen): the deadline bounds a hang, it does not time the topology.
      assertThat(
              it.readCommitted(it.topics.observation(), samples.size(), Duration.ofSeconds(240))
                  .size())
          .isEqualTo(samples.size());
      await().atMost(Duration.ofSeconds(30)).until(() -> lostBatches(app) > 0);
      assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
  }

  @Test
  void replacesAStreamThreadThatDiesMidTransactionAndStillWritesEveryObservationExactlyOnce() {
    ItSetup it = new ItSetup(kafka.broker(), 2);
    List<WearableSample> samples = heartRates(1500, Instant.now());
    Deserializer<WearableSample> crashing = new DiesOnceDeserializer(it.deserializer(), 700);

    try (FhirFlowApplication app =
        new FhirFlowApplication(
            new TopologyConfig(it.config()), TopologyHarness.MAPPER, crashing, Clock.systemUTC())) {
      it.produce(samples);
      List<ConsumerRecord<String, String>> out =
          it.readCommitted(it.topics.observation(), samples.size(), Duration.ofSeconds(180));
      assertThat(out.stream().map(ConsumerRecord::value).distinct().count())
          .as("distinct observations (none lost)")
          .isEqualTo(samples.size());
      assertThat(out.size())
          .as("observations read, doubles included (none doubled)")
          .isEqualTo(samples.size());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
      // Records, not attempts: what the dead thread had processed but not committed is replayed,
      // not recounted.
      FlowCounters counters = app.counters();
      assertThat(counters.inCount()).as("in").isEqualTo(samples.size());
      assertThat(counters.outCount()).as("out").isEqualTo(samples.size());
      assertThat(counters.duplicateCount() + counters.updateCount() + counters.deadLetteredCount())
          .isZero();
    }
  }

  /**
   * Issue 12, item 8: Redis loses this instance's data (all keys under its prefix, its writer
   * marker included, as FLUSHALL would; a shared Redis must not be flushed). Without any new
   * sample, the latest values and day aggregates come back from the Streams state.
   */
  @Test
  void rewritesTheRedisViewFromStateAfterRedisLostItsDataWithoutWaitingForNewSamples() {
    ItSetup it = new ItSetup(kafka.broker(), 2);
    Map<String, Object> config = new HashMap<>(it.config());
    config.put(TopologyConfig.METRICS_REDIS_HEAL_CHECK_MS_CONFIG, "300");
    Instant now = ItSetup.nowOnOneParisDay();
    WearableSample hr =
        WearableSamples.healthKitHeartRate()
            .setRecordId("hr-heal")
            .setStartTime(now)
            .setEndTime(now)
            .build();
    String patient = ((Mapped) TopologyHarness.MAPPER.map(hr, false)).patient().id();
    String latest = it.redisKeys.latest(Tenants.DEFAULT, patient);
    String today = it.parisDayKey(patient, now);

    try (FhirFlowApplication app = it.application(config);
        RedisClient redis = RedisClient.create(LocalServices.redisUrl());
        StatefulRedisConnection<String, String> c = redis.connect()) {
      it.produce(List.of(hr));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  c.sync().hexists(latest, "heart_rate") && c.sync().hexists(today, "heart_rate"));
      Map<String, String> before = c.sync().hgetall(latest);
      // The marker is written on the writer's first check; wait for it so its loss is what is
      // detected.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !c.sync().keys(it.redisPrefix + "writer:*").isEmpty());

      List<String> keys = c.sync().keys(it.redisPrefix + "*");
      c.sync().del(keys.toArray(new String[0]));

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  c.sync().hexists(latest, "heart_rate") && c.sync().hexists(today, "heart_rate"));
      assertThat(c.sync().hgetall(latest)).isEqualTo(before);
      assertThat(c.sync().ttl(latest)).isPositive();
      assertThat(app.registry().counter("fhirflow.redis.heals").count()).isPositive();
      c.sync().del(c.sync().keys(it.redisPrefix + "*").toArray(new String[0]));
    }
  }

  /**
   * Issue 20: Redis does not answer while a process runs the tasks (down, or its first connection
   * slow at startup under load), and the process stops (or dies) before it does. The values are
   * committed in the Streams state but were never written: the next process that runs the tasks
   * writes them, without any new sample. Before the unwritten-values store, nothing did (a silent
   * loss after a kill -9, a counted but unhealed one after a stop).
   */
  @Test
  void valuesRedisNeverTookAreWrittenByTheNextProcessThatRunsTheTasks() throws Exception {
    ItSetup it = new ItSetup(kafka.broker(), 2);
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String redisUrl = "redis://127.0.0.1:" + port;
    Map<String, Object> config = new HashMap<>(it.config());
    config.put(TopologyConfig.METRICS_REDIS_URL_CONFIG, redisUrl);
    List<WearableSample> samples = heartRates(40, Instant.now());
    Map<String, Long> countPerDay = new HashMap<>();
    for (WearableSample s : samples) {
      String patient = ((Mapped) TopologyHarness.MAPPER.map(s, false)).patient().id();
      java.time.LocalDate day =
          s.getStartTime().atZone(java.time.ZoneId.of(s.getTimeZone())).toLocalDate();
      countPerDay.merge(it.redisKeys.day(Tenants.DEFAULT, patient, day), 1L, Long::sum);
    }

    try (FhirFlowApplication app = it.application(config)) {
      it.produce(samples);
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> app.counters().outCount() == samples.size());
      await().atMost(Duration.ofSeconds(30)).until(() -> lostBatches(app) > 0);
    }

    Process redis =
        new ProcessBuilder(
                "redis-server",
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (RedisClient client = RedisClient.create(redisUrl)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> {
                try (StatefulRedisConnection<String, String> c = client.connect()) {
                  return "PONG".equals(c.sync().ping());
                }
              });
      try (FhirFlowApplication app = it.application(config);
          StatefulRedisConnection<String, String> c = client.connect()) {
        // Generous: on a loaded machine the group forms slowly; the check is what is written, not
        // when.
        await()
            .atMost(Duration.ofSeconds(180))
            .until(
                () ->
                    countPerDay.entrySet().stream()
                        .allMatch(
                            e -> {
                              String value = c.sync().hget(e.getKey(), "heart_rate");
                              return value != null
                                  && value.contains("\"count\":" + e.getValue() + "}");
                            }));
        assertThat(app.counters().outCount()).isZero(); // no new sample did it
        assertThat(app.registry().counter("fhirflow.redis.heals").count())
            .isZero(); // nor a rewrite of the whole view
      }
    } finally {
      redis.destroy();
      redis.waitFor();
    }
  }

  /** Heart rates of 20 users, one a second, distinct record ids. */
  static List<WearableSample> heartRates(int n, Instant start) {
    List<WearableSample> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Instant t = start.minusSeconds(n - i);
      out.add(
          WearableSamples.healthKitHeartRate()
              .setUserId("user-" + (i % 20))
              .setRecordId("hr-" + i)
              .setStartTime(t)
              .setEndTime(t)
              .build());
    }
    return out;
  }

  private static int observationsOf(List<WearableSample> samples) {
    return samples.stream()
        .mapToInt(
            s ->
                TopologyHarness.MAPPER.map(s, false) instanceof Mapped m
                    ? m.observations().size()
                    : 0)
        .sum();
  }

  private static double lostBatches(FhirFlowApplication app) {
    return app.registry().find("fhirflow.redis.batches").counters().stream()
        .filter(c -> !"written".equals(c.getId().getTag("outcome")))
        .mapToDouble(c -> c.count())
        .sum();
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String header(Headers headers, String name) {
    return FhirFlowTopologyTest.header(headers, name);
  }

  /** Kills the stream thread that decodes the n-th record, once: an Error escapes every handler. */
  static final class DiesOnceDeserializer implements Deserializer<WearableSample> {
    private final Deserializer<WearableSample> delegate;
    private final int dieAt;
    private final AtomicInteger calls = new AtomicInteger();

    DiesOnceDeserializer(Deserializer<WearableSample> delegate, int dieAt) {
      this.delegate = delegate;
      this.dieAt = dieAt;
    }

    @Override
    public WearableSample deserialize(String topic, byte[] data) {
      if (calls.incrementAndGet() == dieAt) {
        throw new SimulatedCrash();
      }
      return delegate.deserialize(topic, data);
    }

    @Override
    public WearableSample deserialize(String topic, Headers headers, byte[] data) {
      return deserialize(topic, data);
    }
  }

  static final class SimulatedCrash extends Error {
    SimulatedCrash() {
      super("simulated crash of a stream thread", null, false, false);
    }
  }
}
