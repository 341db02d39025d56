package io.fhirflow.topology;

import static io.fhirflow.topology.FhirFlowTopologyTest.assertValidFhir;
import static io.fhirflow.topology.FhirFlowTopologyTest.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.DeadLetterHeaders;
import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.mapping.ResourceIds;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.ErasureRequest;
import io.fhirflow.testkit.WearableSamples;
import io.fhirflow.topology.dedupe.DedupProcessor;
import io.fhirflow.topology.fhir.RecordLifecycleProcessor;
import io.fhirflow.topology.metrics.MetricsProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Erasure of a person through the real topology: docs/contracts.md "Erasure". */
class ErasureTopologyTest {

  private static final String ERASED = "user-erased";
  private static final String KEPT = "user-kept";
  @RegisterExtension final TopologyHarness flow = new TopologyHarness();

  /**
   * A little of everything for one user: a series, a correlation, a cumulative metric, a deletion,
   * Devices.
   */
  private List<WearableSample> historyOf(String user) {
    WearableSample deleted =
        WearableSamples.healthKitHeartRateVariability().setUserId(user).build();
    return List.of(
        WearableSamples.healthKitHeartRate().setUserId(user).build(),
        WearableSamples.healthConnectHeartRateSeries().setUserId(user).build(),
        WearableSamples.healthKitBloodPressure().setUserId(user).build(),
        WearableSamples.healthConnectSteps().setUserId(user).build(),
        deleted,
        WearableSamples.deletionOf(deleted));
  }

  private void sendHistories() {
    historyOf(ERASED).forEach(flow::send);
    historyOf(KEPT).forEach(flow::send);
    flow.flushedRedisValues();
  }

  @Test
  void erasureLeavesNoEntryOfThePersonInAnyStateStoreAndKeepsEveryoneElses() {
    sendHistories();
    String erased = ResourceIds.patient(ERASED);
    String kept = ResourceIds.patient(KEPT);
    for (String store : stores()) {
      assertThat(keysOf(store)).as(store).anyMatch(k -> k.contains(erased) || k.contains(ERASED));
    }

    flow.erase(ERASED);
    flow.flushedRedisValues();
    // The tick after the one that published the removal takes in its outcome.
    flow.flushedRedisValues();

    for (String store : stores()) {
      List<String> keys = keysOf(store);
      assertThat(keys).as(store).noneMatch(k -> k.contains(erased) || k.contains(ERASED));
      assertThat(keys).as(store).anyMatch(k -> k.contains(kept) || k.contains(KEPT));
    }
    assertThat(keysOf(MetricsProcessor.UNWRITTEN_STORE)).noneMatch(k -> k.contains(erased));
    assertThat(keysOf(MetricsProcessor.ERASURES_STORE))
        .as("confirmed by the Redis writer, then forgotten")
        .isEmpty();
  }

  @Test
  void erasureWritesTombstonesOnTheCompactedTopicsAndOneMarkerOnTheObservationTopic() {
    historyOf(ERASED).forEach(flow::send);
    Set<String> erasedDevices =
        flow.devices.readRecordsToList().stream().map(TestRecord::key).collect(Collectors.toSet());
    historyOf(KEPT).forEach(flow::send);
    drainOutputs();
    String patientId = ResourceIds.patient(ERASED);

    ErasureRequest request = flow.erase(ERASED);

    List<TestRecord<String, String>> patients = flow.patients.readRecordsToList();
    assertThat(patients)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo(patientId);
              assertThat(r.value()).isNull();
              assertThat(header(r.headers(), FhirRecordHeaders.RESOURCE_TYPE)).isEqualTo("Patient");
              assertThat(header(r.headers(), FhirRecordHeaders.RESOURCE_ID)).isEqualTo(patientId);
              assertThat(header(r.headers(), FhirRecordHeaders.ERASURE_REQUEST_ID))
                  .isEqualTo(request.requestId());
            });
    List<TestRecord<String, String>> deviceTombstones = flow.devices.readRecordsToList();
    assertThat(deviceTombstones)
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.value()).isNull();
              assertThat(header(r.headers(), FhirRecordHeaders.RESOURCE_ID)).isEqualTo(r.key());
              assertThat(header(r.headers(), FhirRecordHeaders.ERASURE_REQUEST_ID))
                  .isEqualTo(request.requestId());
            });
    assertThat(deviceTombstones.stream().map(TestRecord::key).collect(Collectors.toSet()))
        .isEqualTo(erasedDevices);
    assertThat(flow.observations.readRecordsToList())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo(patientId);
              assertThat(r.value()).isNull();
              assertThat(header(r.headers(), FhirRecordHeaders.RESOURCE_TYPE))
                  .isEqualTo("Observation");
              assertThat(header(r.headers(), FhirRecordHeaders.RESOURCE_ID))
                  .as("no id: every Observation of the key")
                  .isNull();
              assertThat(header(r.headers(), FhirRecordHeaders.ERASURE_REQUEST_ID))
                  .isEqualTo(request.requestId());
            });
  }

  @Test
  void theAuditEventSaysWhoAskedWhenAndHowMuchWasRemovedAndIsValidFhir() {
    sendHistories();
    ErasureRequest request = flow.erase(ERASED);

    TestRecord<String, String> audit = flow.auditEvents.readRecord();
    assertThat(audit.key()).isEqualTo(request.requestId());
    assertThat(header(audit.headers(), FhirRecordHeaders.RESOURCE_TYPE)).isEqualTo("AuditEvent");
    assertValidFhir(audit.value());
    assertThat(audit.value())
        .contains("\"id\":\"" + request.requestId() + "\"")
        .contains("dpo@example.org")
        .contains("Patient/" + ResourceIds.patient(ERASED))
        .contains("\"action\":\"D\"")
        .contains("{\"type\":\"record-store-entries\",\"valueString\":\"5\"}")
        .contains("{\"type\":\"device-tombstones\"")
        .doesNotContain(ERASED)
        .doesNotContain(WearableSamples.healthKitHeartRate().build().getRecordId());
    assertThat(flow.counters.erasureCount("erased")).isEqualTo(1);
  }

  @Test
  void newSamplesAfterTheErasureStartAFreshRecordEvenOnesThePhoneHadDeleted() {
    List<WearableSample> history = historyOf(ERASED);
    history.forEach(flow::send);
    flow.flushedRedisValues();
    drainOutputs();
    flow.erase(ERASED);
    drainOutputs();
    double outBefore = flow.counters.outCount();

    WearableSample again = history.get(0);
    WearableSample onceDeleted = history.get(4);
    flow.send(again, TopologyHarness.NOW.plus(Duration.ofMinutes(1)));
    flow.send(onceDeleted, TopologyHarness.NOW.plus(Duration.ofMinutes(1)));

    assertThat(flow.counters.outCount())
        .as("new, not duplicates or late versions")
        .isEqualTo(outBefore + 2);
    assertThat(flow.observations.readRecordsToList())
        .hasSize(2)
        .allSatisfy(r -> assertValidFhir(r.value()));
    assertThat(flow.patients.readRecordsToList())
        .as("the Patient is emitted again")
        .singleElement()
        .satisfies(r -> assertValidFhir(r.value()));
    assertThat(flow.devices.readRecordsToList())
        .as("and its Device")
        .isNotEmpty()
        .allSatisfy(r -> assertValidFhir(r.value()));
  }

  @Test
  void redisKeysOfThePersonAreRemovedBeforeAnyLaterValueAndNothingPendingForThemIsWritten() {
    historyOf(KEPT).forEach(flow::send);
    flow.flushedRedisValues();
    flow.redisBatches.clear();
    // Pending, not yet flushed, when the erasure comes.
    flow.send(WearableSamples.healthConnectSteps().setUserId(ERASED).build());
    flow.erase(ERASED);
    flow.flushedRedisValues();

    String base =
        new RedisKeyLayout(RedisKeyLayout.DEFAULT_PREFIX)
            .patientBase(Tenants.DEFAULT, ResourceIds.patient(ERASED));
    assertThat(flow.redisErasures).containsExactly(base);
    assertThat(keysOf(MetricsProcessor.UNWRITTEN_STORE))
        .as("nothing of theirs left to retry")
        .noneMatch(k -> k.contains(ResourceIds.patient(ERASED)));
    assertThat(flow.redisBatches)
        .allSatisfy(b -> assertThat(b).noneMatch(w -> w.key().startsWith(base)));
  }

  @Test
  void aRecordThatIsNotAnErasureRequestIsDeadLetteredAndErasesNothing() {
    sendHistories();
    drainOutputs();
    byte[] key = ERASED.getBytes(StandardCharsets.UTF_8);
    flow.erasures.pipeInput(key, "{\"userId\":\"someone\"}".getBytes(StandardCharsets.UTF_8));
    byte[] otherUser = ErasureRequest.of(KEPT, "dpo@example.org", TopologyHarness.NOW).toJson();
    flow.erasures.pipeInput(key, otherUser);

    assertThat(flow.deadLetters.readRecordsToList())
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(header(r.headers(), DeadLetterHeaders.STAGE)).isEqualTo("erase");
              assertThat(header(r.headers(), DeadLetterHeaders.REASON))
                  .isEqualTo("NOT_AN_ERASURE_REQUEST");
            });
    assertThat(flow.patients.readRecordsToList()).isEmpty();
    assertThat(flow.auditEvents.readRecordsToList()).isEmpty();
    assertThat(flow.counters.erasureCount("rejected")).isEqualTo(2);
    assertThat(keysOf(RecordLifecycleProcessor.STORE)).anyMatch(k -> k.contains(ERASED));
  }

  @Test
  void erasingSomeoneTwiceOrNeverSeenIsHarmless() {
    flow.erase("nobody");
    sendHistories();
    flow.erase(ERASED);
    flow.erase(ERASED);

    List<TestRecord<String, String>> audits = flow.auditEvents.readRecordsToList();
    assertThat(audits).hasSize(3);
    assertThat(audits.get(2).value())
        .contains("{\"type\":\"record-store-entries\",\"valueString\":\"0\"}");
    audits.forEach(a -> assertValidFhir(a.value()));
  }

  private void drainOutputs() {
    flow.observations.readRecordsToList();
    flow.patients.readRecordsToList();
    flow.devices.readRecordsToList();
    flow.auditEvents.readRecordsToList();
  }

  private static List<String> stores() {
    return List.of(
        DedupProcessor.STORE,
        RecordLifecycleProcessor.STORE,
        FhirFlowTopology.PATIENT_HASHES,
        FhirFlowTopology.DEVICE_HASHES,
        MetricsProcessor.DAYS_STORE,
        MetricsProcessor.LATEST_STORE);
  }

  /**
   * Every key of a store as text (byte keys decoded as UTF-8, so the user id inside them shows).
   */
  private List<String> keysOf(String store) {
    KeyValueStore<Object, Object> s = flow.driver.getKeyValueStore(store);
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<Object, Object> it = s.all()) {
      while (it.hasNext()) {
        KeyValue<Object, Object> e = it.next();
        keys.add(
            e.key instanceof Bytes b
                ? new String(b.get(), StandardCharsets.UTF_8)
                : e.key.toString());
      }
    }
    return keys;
  }
}
