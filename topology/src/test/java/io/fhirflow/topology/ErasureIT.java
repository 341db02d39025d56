package io.fhirflow.topology;

import static io.fhirflow.topology.FhirFlowTopologyTest.assertValidFhir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.mapping.ResourceIds;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.ErasureRequest;
import io.fhirflow.testkit.BrokerPerClass;
import io.fhirflow.testkit.LocalServices;
import io.fhirflow.testkit.WearableSamples;
import io.fhirflow.topology.ops.FlowCounters;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Erasure through the running application on a real broker and Redis: the person's Redis keys go
 * (another person's stay), read_committed consumers of the compacted topics see a tombstone as the
 * last record of the person's Patient and of each of their Devices, the AuditEvent is on the audit
 * topic, and their next samples start fresh.
 */
class ErasureIT {

  private static final String ERASED = "user-erased";
  private static final String KEPT = "user-kept";
  @RegisterExtension static final BrokerPerClass kafka = new BrokerPerClass();

  @Test
  void erasureLeavesNoTraceInRedisTombstonesTheCompactedTopicsAndLetsTheNextSampleStartFresh()
      throws Exception {
    ItSetup it = new ItSetup(kafka.broker(), 2);
    Instant now = Instant.now();
    List<WearableSample> erased = samplesOf(ERASED, now);
    List<WearableSample> kept = samplesOf(KEPT, now);
    String erasedPatient = ResourceIds.patient(ERASED);
    String keptPatient = ResourceIds.patient(KEPT);

    try (FhirFlowApplication app = it.application();
        RedisClient redis = RedisClient.create(LocalServices.redisUrl());
        StatefulRedisConnection<String, String> c = redis.connect()) {
      it.produce(erased);
      it.produce(kept);
      FlowCounters counters = app.counters();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> counters.outCount() == erased.size() + kept.size());
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  !keys(c, it.redisKeys.patientBase(Tenants.DEFAULT, erasedPatient)).isEmpty()
                      && !keys(c, it.redisKeys.patientBase(Tenants.DEFAULT, keptPatient))
                          .isEmpty());
      List<ConsumerRecord<String, String>> devicesBefore =
          it.readCommitted(it.topics.device(), 2, Duration.ofSeconds(10));

      ErasureRequest request = ErasureRequest.of(ERASED, "dpo@example.org", Instant.now());
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(
              kafka.broker().producerProps(), new StringSerializer(), new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>(it.topics.erasure(), ERASED, request.toJson())).get();
      }

      List<ConsumerRecord<String, String>> audits =
          it.readCommitted(it.topics.audit(), 1, Duration.ofSeconds(60));
      assertThat(audits)
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.key()).isEqualTo(request.requestId());
                assertValidFhir(a.value());
                assertThat(a.value()).contains("Patient/" + erasedPatient).doesNotContain(ERASED);
              });
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> keys(c, it.redisKeys.patientBase(Tenants.DEFAULT, erasedPatient)).isEmpty());
      assertThat(keys(c, it.redisPrefix + "*" + erasedPatient + "*"))
          .as("no key names the patient")
          .isEmpty();
      assertThat(keys(c, it.redisKeys.patientBase(Tenants.DEFAULT, keptPatient))).isNotEmpty();

      Map<String, ConsumerRecord<String, String>> lastPatient =
          lastByKey(it.readCommitted(it.topics.patient(), 3, Duration.ofSeconds(10)));
      assertThat(lastPatient.get(erasedPatient).value()).as("tombstone").isNull();
      assertThat(lastPatient.get(keptPatient).value()).isNotNull();
      List<String> erasedDevices =
          devicesBefore.stream()
              .map(ConsumerRecord::key)
              .filter(id -> erased.stream().anyMatch(s -> id.equals(deviceId(s))))
              .toList();
      assertThat(erasedDevices).isNotEmpty();
      Map<String, ConsumerRecord<String, String>> lastDevice =
          lastByKey(it.readCommitted(it.topics.device(), 3, Duration.ofSeconds(10)));
      erasedDevices.forEach(
          id -> assertThat(lastDevice.get(id).value()).as("tombstone of " + id).isNull());
      assertThat(lastDevice.values().stream().filter(r -> r.value() != null))
          .as("the other person's Device")
          .isNotEmpty();
      List<ConsumerRecord<String, String>> marker =
          it.readCommitted(it.topics.observation(), 100, Duration.ofSeconds(5)).stream()
              .filter(
                  r ->
                      r.value() == null
                          && r.headers().lastHeader(FhirRecordHeaders.ERASURE_REQUEST_ID) != null)
              .toList();
      assertThat(marker)
          .singleElement()
          .satisfies(r -> assertThat(r.key()).isEqualTo(erasedPatient));

      // The same records again: new for fhirflow now, not duplicates; Patient and Device emitted
      // again.
      double out = counters.outCount();
      it.produce(erased);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> counters.outCount() == out + erased.size());
      assertThat(counters.duplicateCount()).isZero();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  lastByKey(it.readCommitted(it.topics.patient(), 4, Duration.ofSeconds(5)))
                          .get(erasedPatient)
                          .value()
                      != null);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> !keys(c, it.redisKeys.patientBase(Tenants.DEFAULT, erasedPatient)).isEmpty());
    }
  }

  private static List<WearableSample> samplesOf(String user, Instant now) {
    return List.of(
        WearableSamples.healthKitHeartRate()
            .setUserId(user)
            .setStartTime(now.minusSeconds(60))
            .setEndTime(now.minusSeconds(60))
            .build(),
        WearableSamples.healthConnectSteps().setUserId(user).build());
  }

  private static String deviceId(WearableSample sample) {
    return TopologyHarness.MAPPER.map(sample, false) instanceof io.fhirflow.mapping.Mapped m
            && m.device().isPresent()
        ? m.device().get().id()
        : null;
  }

  private static Map<String, ConsumerRecord<String, String>> lastByKey(
      List<ConsumerRecord<String, String>> records) {
    Map<String, ConsumerRecord<String, String>> last = new LinkedHashMap<>();
    records.forEach(r -> last.put(r.key(), r));
    return last;
  }

  /** Every key matching the glob (or starting with a prefix that ends in ':'), by SCAN. */
  private static List<String> keys(StatefulRedisConnection<String, String> c, String pattern) {
    String glob = pattern.endsWith(":") ? pattern + "*" : pattern;
    List<String> found = new ArrayList<>();
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page =
          c.sync().scan(cursor, ScanArgs.Builder.matches(glob).limit(1000));
      found.addAll(page.getKeys());
      cursor = page;
    } while (!cursor.isFinished());
    return found;
  }
}
