package io.fhirflow.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fhirflow.contracts.DeadLetterHeaders;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SchemaRegistryException;
import io.fhirflow.testkit.BrokerPerClass;
import io.fhirflow.testkit.LargeRecords;
import io.fhirflow.testkit.WearableSamples;
import io.fhirflow.topology.ops.FlowCounters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12, item 1, end to end on a real broker: no record blocks its partition, and an instance
 * that does not move is not ready (then not live) instead of answering 200 throughout.
 */
class NoPoisonPillIT {

  @RegisterExtension static final BrokerPerClass kafka = new BrokerPerClass();

  @Test
  void aOnePointTwoMegabyteSampleDoesNotHoldUpTheOrdinaryOnesBehindItOnTheSameKey()
      throws Exception {
    ItSetup it = new ItSetup(kafka.broker(), 1);
    try (Admin admin = kafka.broker().admin()) {
      LargeRecords.acceptOn(admin, it.topics.raw());
    }
    Instant now = Instant.now();
    WearableSample huge = LargeRecords.heartRate(now).setRecordId("huge").build();
    List<WearableSample> ordinary = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Instant t = now.minusSeconds(20 - i);
      ordinary.add(
          WearableSamples.healthKitHeartRate()
              .setRecordId("hr-" + i)
              .setStartTime(t)
              .setEndTime(t)
              .build());
    }

    try (FhirFlowApplication app = it.application()) {
      List<WearableSample> all = new ArrayList<>();
      all.add(huge);
      all.addAll(ordinary);
      produceLarge(it, all);

      List<ConsumerRecord<String, String>> out =
          it.readCommitted(it.topics.observation(), ordinary.size(), Duration.ofSeconds(60));
      assertThat(out).hasSize(ordinary.size());

      List<ConsumerRecord<byte[], byte[]>> dead =
          it.readCommittedBytes(it.topics.deadLetter(), 1, Duration.ofSeconds(10));
      assertThat(dead).hasSize(1);
      Headers h = dead.get(0).headers();
      assertThat(header(h, DeadLetterHeaders.REASON)).isEqualTo("OVERSIZED");
      assertThat(header(h, DeadLetterHeaders.TRUNCATED)).isEqualTo("value");
      assertThat(Integer.parseInt(header(h, DeadLetterHeaders.ORIGINAL_VALUE_BYTES)))
          .isGreaterThan(LargeRecords.NOTE_CHARS);
      assertThat(header(h, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(it.topics.raw());
      assertThat(header(h, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");

      FlowCounters counters = app.counters();
      await().atMost(Duration.ofSeconds(10)).until(() -> counters.inCount() == all.size());
      assertThat(counters.outCount() + counters.deadLetteredCount()).isEqualTo(all.size());
      await().atMost(Duration.ofSeconds(30)).until(() -> status(app, "/health/ready") == 200);
    }
  }

  @Test
  void anInstanceThatRetriesARecordForeverIsNotReadyThenNotLiveAndRecoversWhenTheFaultClears()
      throws Exception {
    ItSetup it = new ItSetup(kafka.broker(), 1);
    Map<String, Object> config = new HashMap<>(it.config());
    config.put(TopologyConfig.HEALTH_STALL_MS_CONFIG, "3000");
    config.put(TopologyConfig.HEALTH_LIVENESS_GRACE_MS_CONFIG, "3000");
    RegistryOutage outage = new RegistryOutage(it.deserializer());
    List<WearableSample> samples = FhirFlowApplicationIT.heartRates(5, Instant.now());

    try (FhirFlowApplication app =
        new FhirFlowApplication(
            new TopologyConfig(config), TopologyHarness.MAPPER, outage, Clock.systemUTC())) {
      awaitWhileThreadsDie()
          .atMost(Duration.ofSeconds(60))
          .until(() -> status(app, "/health/ready") == 200);
      outage.down = true;
      it.produce(samples);
      long waitingSince = System.nanoTime();

      // Every thread that takes the task dies on the first record: no progress, so not ready, then
      // not live.
      awaitWhileThreadsDie()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> status(app, "/health/ready") == 503 && status(app, "/health/live") == 503);
      // From the stall on, readiness never says 200 while the samples wait.
      Collection<Integer> readyWhileWaiting = new ConcurrentLinkedQueue<>();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
      while (System.nanoTime() < until) {
        readyWhileWaiting.add(status(app, "/health/ready"));
        Thread.sleep(100);
      }
      assertThat(readyWhileWaiting).isNotEmpty().doesNotContain(200);
      assertThat(it.readCommitted(it.topics.observation(), 1, Duration.ofSeconds(1))).isEmpty();
      assertThat(it.readCommittedBytes(it.topics.deadLetter(), 1, Duration.ofSeconds(1)))
          .as("a fault is not dead-lettered")
          .isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - waitingSince))
          .isGreaterThan(Duration.ofSeconds(3));

      outage.down = false;
      assertThat(it.readCommitted(it.topics.observation(), samples.size(), Duration.ofSeconds(90)))
          .hasSize(samples.size());
      awaitWhileThreadsDie()
          .atMost(Duration.ofSeconds(60))
          .until(() -> status(app, "/health/ready") == 200 && status(app, "/health/live") == 200);
    }
  }

  private static void produceLarge(ItSetup it, List<WearableSample> samples) {
    Properties props = LargeRecords.producerAllowingThem(kafka.broker().producerProps());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (WearableSample s : samples) {
        producer.send(
            new ProducerRecord<>(
                it.topics.raw(), s.getUserId().getBytes(StandardCharsets.UTF_8), it.serialize(s)));
      }
    }
  }

  /**
   * Awaitility fails an await with any exception another thread did not catch while it waited; in
   * this test every stream thread dies on purpose (Kafka Streams replaces it), and on a busy
   * machine such a death could surface in the test thread as its error (CI, 2026-12-06).
   */
  private static org.awaitility.core.ConditionFactory awaitWhileThreadsDie() {
    return await().dontCatchUncaughtExceptions();
  }

  private static int status(FhirFlowApplication app, String path) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String header(Headers headers, String name) {
    return FhirFlowTopologyTest.header(headers, name);
  }

  /** The registry unreachable while {@code down}: every decode is a fault. */
  private static final class RegistryOutage implements Deserializer<WearableSample> {
    private final Deserializer<WearableSample> delegate;
    volatile boolean down;

    RegistryOutage(Deserializer<WearableSample> delegate) {
      this.delegate = delegate;
    }

    @Override
    public WearableSample deserialize(String topic, byte[] data) {
      if (down) {
        throw new SchemaRegistryException(
            "GET http://registry/schemas/ids/1 failed: java.net.ConnectException", null);
      }
      return delegate.deserialize(topic, data);
    }

    @Override
    public WearableSample deserialize(String topic, Headers headers, byte[] data) {
      return deserialize(topic, data);
    }
  }
}
