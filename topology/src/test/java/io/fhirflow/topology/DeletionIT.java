package io.fhirflow.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.BrokerPerClass;
import io.fhirflow.testkit.LocalServices;
import io.fhirflow.testkit.WearableSamples;
import io.fhirflow.topology.fhir.DeletionOutcome;
import io.fhirflow.topology.ops.FlowCounters;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deletions through the running application on a real broker and Redis: read_committed consumers of
 * the Observation topic get one null-value marker per derived Observation, and the Redis day view
 * is exact again.
 */
class DeletionIT {

  @RegisterExtension static final BrokerPerClass kafka = new BrokerPerClass();

  @Test
  void aDeletionReachesTheObservationTopicAsNullValueMarkersAndRetractsItsShareInRedis()
      throws Exception {
    ItSetup it = new ItSetup(kafka.broker(), 2);
    Instant now = ItSetup.nowOnOneParisDay();
    WearableSample deleted = steps("steps-deleted", now, 420);
    WearableSample kept = steps("steps-kept", now.minusSeconds(1800), 100);
    WearableSample series = WearableSamples.healthConnectHeartRateSeries().build();

    try (FhirFlowApplication app = it.application()) {
      it.produce(List.of(deleted, kept, series));
      List<ConsumerRecord<String, String>> upserts =
          it.readCommitted(it.topics.observation(), 7, Duration.ofSeconds(60));
      assertThat(upserts).hasSize(7);
      String patient = upserts.get(0).key();
      String today = it.parisDayKey(patient, now);

      try (RedisClient redis = RedisClient.create(LocalServices.redisUrl());
          StatefulRedisConnection<String, String> c = redis.connect()) {
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> String.valueOf(c.sync().hget(today, "steps")).contains("\"sum\":520"));

        it.produce(
            List.of(
                WearableSamples.deletionOf(deleted),
                WearableSamples.deletionOf(series),
                WearableSamples.deletionOf(steps("never-sent", now, 1))));

        List<ConsumerRecord<String, String>> all =
            it.readCommitted(it.topics.observation(), 7 + 6, Duration.ofSeconds(60));
        List<ConsumerRecord<String, String>> markers =
            all.stream().filter(r -> r.value() == null).toList();
        assertThat(markers)
            .hasSize(6)
            .allSatisfy(
                m -> {
                  assertThat(m.key()).isEqualTo(patient);
                  assertThat(
                          new String(
                              m.headers().lastHeader(FhirRecordHeaders.RESOURCE_ID).value(),
                              StandardCharsets.UTF_8))
                      .isNotBlank();
                });
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    String.valueOf(c.sync().hget(today, "steps"))
                        .contains("\"sum\":100,\"count\":1"));
        c.sync().del(today, it.redisKeys.latest(Tenants.DEFAULT, patient));
      }

      FlowCounters counters = app.counters();
      await().atMost(Duration.ofSeconds(10)).until(() -> counters.inCount() == 6);
      assertThat(counters.deletedCount(DeletionOutcome.REMOVED)).isEqualTo(2);
      assertThat(counters.deletedCount(DeletionOutcome.UNKNOWN)).isEqualTo(1);
      assertThat(
              counters.outCount()
                  + counters.updateCount()
                  + counters.duplicateCount()
                  + counters.deletedCount()
                  + counters.deadLetteredCount())
          .isEqualTo(counters.inCount());
      assertThat(it.readCommittedBytes(it.topics.deadLetter(), 0, Duration.ofSeconds(2))).isEmpty();
    }
  }

  private static WearableSample steps(String recordId, Instant end, double count) {
    return WearableSamples.healthKitHeartRate()
        .setRecordId(recordId)
        .setType("HKQuantityTypeIdentifierStepCount")
        .setStartTime(end.minusSeconds(900))
        .setEndTime(end)
        .setBody(HkQuantity.newBuilder().setValue(count).setUnit("count").build())
        .build();
  }
}
