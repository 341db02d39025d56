package io.fhirflow.topology;

import static io.fhirflow.topology.FhirFlowTopologyTest.assertValidFhir;
import static io.fhirflow.topology.FhirFlowTopologyTest.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.mapping.ResourceIds;
import io.fhirflow.schema.HcSeries;
import io.fhirflow.schema.HcSeriesSample;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.WearableSamples;
import io.fhirflow.topology.fhir.DeletionOutcome;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deletions from the phone through the real topology: docs/contracts.md "Deletions". */
class DeletionTopologyTest {

  private static final LocalDate DAY = LocalDate.of(2026, 3, 14);
  @RegisterExtension final TopologyHarness flow = new TopologyHarness();

  @Test
  void aDeletionAfterItsSampleRetractsTheObservationWithANullValueNamingItsId() {
    WearableSample hr = WearableSamples.healthKitHeartRate().build();
    flow.send(hr);
    TestRecord<String, String> upsert = onlyObservation();

    flow.send(WearableSamples.deletionOf(hr));

    TestRecord<String, String> marker = onlyObservation();
    assertThat(marker.value()).isNull();
    assertThat(marker.key()).isEqualTo(upsert.key()).isEqualTo(ResourceIds.patient(hr.getUserId()));
    assertThat(header(marker.headers(), FhirRecordHeaders.RESOURCE_ID))
        .isEqualTo(header(upsert.headers(), FhirRecordHeaders.RESOURCE_ID))
        .isEqualTo(idOf(upsert.value()));
    assertThat(header(marker.headers(), FhirRecordHeaders.RESOURCE_TYPE)).isEqualTo("Observation");
    assertThat(header(marker.headers(), FhirRecordHeaders.FHIR_VERSION))
        .isEqualTo(FhirRecordHeaders.FHIR_VERSION_VALUE);
    assertThat(header(marker.headers(), FhirRecordHeaders.SOURCE_RECORD_ID))
        .isEqualTo(hr.getRecordId());
    assertThat(flow.counters.deletedCount(DeletionOutcome.REMOVED)).isEqualTo(1);
    assertThat(flow.deadLetters.readRecordsToList()).isEmpty();
  }

  @Test
  void aDeletionBeforeItsSampleWinsTheLateOriginalIsNeverEmitted() {
    WearableSample hr = WearableSamples.healthKitHeartRate().build();
    flow.send(WearableSamples.deletionOf(hr));
    flow.send(hr, TopologyHarness.NOW.plus(Duration.ofMinutes(5)));
    flow.send(hr, TopologyHarness.NOW.plus(Duration.ofDays(60)));

    assertThat(flow.observations.readRecordsToList()).isEmpty();
    assertDeletionOutcomes(Map.of(DeletionOutcome.UNKNOWN, 1, DeletionOutcome.LATE_VERSION, 2));
  }

  @Test
  void aVersionDeliveredAfterTheDeletionDoesNotResurrectTheRecord() {
    WearableSample v1 = WearableSamples.healthConnectHeartRateSeries(1).build();
    WearableSample v2 = WearableSamples.healthConnectHeartRateSeries(2).build();
    flow.send(v1);
    List<String> ids = observationIds(flow.observations.readRecordsToList());
    flow.send(WearableSamples.deletionOf(v1));
    flow.send(v2);

    assertThat(retractedIds(flow.observations.readRecordsToList())).containsExactlyElementsOf(ids);
    assertThat(flow.counters.deletedCount(DeletionOutcome.LATE_VERSION)).isEqualTo(1);
    assertThat(flow.counters.updateCount()).isZero();
  }

  @Test
  void deletingASeriesRetractsEveryPointOfEveryVersionWhateverTheRecordsAge() {
    WearableSample v1 = WearableSamples.healthConnectHeartRateSeries(1).build();
    List<TestRecord<String, String>> points = sentObservations(v1);
    assertThat(points).hasSize(5);

    // A year later, far beyond the dedupe retention.
    flow.send(WearableSamples.deletionOf(v1), TopologyHarness.NOW.plus(Duration.ofDays(365)));

    assertThat(retractedIds(flow.observations.readRecordsToList()))
        .hasSize(5)
        .containsExactlyElementsOf(observationIds(points));
  }

  @Test
  void aSeriesEditedOnThePhoneRetractsThePointItNoLongerHasAndItsDayShare() {
    WearableSample v1 = WearableSamples.healthConnectHeartRateSeries(1).build();
    List<TestRecord<String, String>> points = sentObservations(v1);
    assertThat(points).hasSize(5);
    String patient = points.get(0).key();
    assertThat(dayValue(patient, "heart_rate")).contains("\"count\":5");

    // The user removes the third point (75 bpm) on the phone: Health Connect writes version 2 of
    // the record.
    HcSeries series = (HcSeries) v1.getBody();
    List<HcSeriesSample> kept = new ArrayList<>(series.getSamples());
    kept.remove(2);
    WearableSample v2 =
        WearableSample.newBuilder(v1)
            .setVersion(WearableSamples.healthConnectVersion(2))
            .setBody(HcSeries.newBuilder(series).setSamples(kept).build())
            .build();
    flow.send(v2);

    List<TestRecord<String, String>> after = flow.observations.readRecordsToList();
    List<TestRecord<String, String>> markers =
        after.stream().filter(r -> r.value() == null).toList();
    List<TestRecord<String, String>> upserts =
        after.stream().filter(r -> r.value() != null).toList();
    upserts.forEach(u -> assertValidFhir(u.value()));
    assertThat(upserts).hasSize(4);
    assertThat(markers).hasSize(1);
    String removedId = header(markers.get(0).headers(), FhirRecordHeaders.RESOURCE_ID);
    assertThat(observationIds(points)).contains(removedId);
    assertThat(observationIds(upserts))
        .doesNotContain(removedId)
        .containsExactlyInAnyOrderElementsOf(
            observationIds(points).stream().filter(id -> !id.equals(removedId)).toList());
    assertThat(markers.get(0).key()).isEqualTo(patient);
    assertThat(header(markers.get(0).headers(), FhirRecordHeaders.SOURCE_RECORD_ID))
        .isEqualTo(v1.getRecordId());
    assertThat(flow.counters.updateCount()).isEqualTo(1);
    // The Observations left in the topic and the day total in Redis tell the same story: 4 points.
    assertThat(dayValue(patient, "heart_rate")).contains("\"count\":4");
    assertThat(flow.deadLetters.readRecordsToList()).isEmpty();

    // A later version with the same points retracts nothing more; deleting the record retracts the
    // 4 left.
    flow.send(
        WearableSample.newBuilder(v2).setVersion(WearableSamples.healthConnectVersion(3)).build());
    assertThat(flow.observations.readRecordsToList())
        .hasSize(4)
        .allSatisfy(r -> assertThat(r.value()).isNotNull());
    flow.send(WearableSamples.deletionOf(v2));
    assertThat(retractedIds(flow.observations.readRecordsToList()))
        .hasSize(4)
        .containsExactlyInAnyOrderElementsOf(observationIds(upserts));
  }

  @Test
  void deletingABloodPressureCorrelationRetractsEveryObservationItProduced() {
    WearableSample bp = WearableSamples.healthKitBloodPressure().build();
    List<TestRecord<String, String>> produced = sentObservations(bp);
    assertThat(produced).isNotEmpty();

    flow.send(WearableSamples.deletionOf(bp));

    assertThat(retractedIds(flow.observations.readRecordsToList()))
        .containsExactlyInAnyOrderElementsOf(observationIds(produced));
  }

  @Test
  void aDeletionOfAnUnknownRecordIsCountedAndHarmless() {
    flow.send(WearableSamples.healthKitHeartRate().build());
    flow.observations.readRecordsToList();

    flow.send(
        WearableSamples.deletionOf(
            WearableSamples.healthKitHeartRate().setRecordId("never-sent").build()));
    flow.send(
        WearableSamples.deletionOf(
            WearableSamples.healthKitHeartRate().setRecordId("never-sent").build()));

    assertThat(flow.observations.readRecordsToList()).isEmpty();
    assertThat(flow.deadLetters.readRecordsToList()).isEmpty();
    assertDeletionOutcomes(Map.of(DeletionOutcome.UNKNOWN, 1, DeletionOutcome.ALREADY_DELETED, 1));
  }

  @Test
  void anotherUsersDeletionOfTheSameRecordIdLeavesTheOwnersObservation() {
    WearableSample hr = WearableSamples.healthKitHeartRate().build();
    flow.send(hr);
    flow.observations.readRecordsToList();

    flow.send(
        WearableSamples.deletionOf(
            WearableSample.newBuilder(hr).setUserId("someone-else").build()));

    assertThat(flow.observations.readRecordsToList()).isEmpty();
    assertThat(flow.counters.deletedCount(DeletionOutcome.UNKNOWN)).isEqualTo(1);
  }

  @Test
  void dayTotalsAreExactAfterADeletion() {
    flow.send(hkSteps("steps-1", 1342));
    flow.send(hkSteps("steps-2", 658));
    String patient = flow.observations.readRecordsToList().get(0).key();
    assertThat(dayValue(patient, "steps")).contains("\"sum\":2000,\"count\":2");

    flow.send(WearableSamples.deletionOf(hkSteps("steps-1", 1342)));
    assertThat(dayValue(patient, "steps")).contains("\"sum\":658,\"count\":1");

    flow.send(WearableSamples.deletionOf(hkSteps("steps-2", 658)));
    assertThat(dayValue(patient, "steps")).contains("\"sum\":0,\"count\":0");
  }

  @Test
  void dayTotalsAreExactAfterAnUpdateThenADeletion() {
    WearableSample v1 = SyncVersions.healthKitSteps("s", 1342, 1);
    flow.send(v1);
    flow.send(SyncVersions.healthKitSteps("s", 1500, 2));
    flow.send(SyncVersions.healthKitSteps("other", 100, 1));

    assertDayValueBeforeAndAfterDeleting(
        v1, "steps", "\"sum\":1600,\"count\":2", "\"sum\":100,\"count\":1");
  }

  @Test
  void dayAveragesAndCountsOfARateAreExactAfterDeletingASeries() {
    WearableSample series = WearableSamples.healthConnectHeartRateSeries().build();
    flow.send(WearableSamples.healthKitHeartRate().build());
    flow.send(series);

    assertDayValueBeforeAndAfterDeleting(
        series, "heart_rate", "\"count\":6", "\"avg\":72,\"count\":1");
  }

  @Test
  void countsEveryRecordOnceWithDeletionsInTheMix() {
    WearableSample hr = WearableSamples.healthKitHeartRate().build();
    flow.send(hr);
    flow.send(hr);
    flow.send(WearableSamples.deletionOf(hr));
    flow.send(WearableSamples.deletionOf(hr));
    flow.send(hr);
    flow.send(WearableSamples.deletionOf(WearableSamples.healthKitSleepCore().build()));
    flow.send(WearableSamples.healthKitHeartRate().setRecordId("bad").setType("Nope").build());

    flow.assertCounters(7, 1, 0, 1, 4, 1);
  }

  private TestRecord<String, String> onlyObservation() {
    List<TestRecord<String, String>> records = flow.observations.readRecordsToList();
    assertThat(records).hasSize(1);
    return records.get(0);
  }

  /** Sends {@code sample} and returns the Observations it produced, each checked valid FHIR. */
  private List<TestRecord<String, String>> sentObservations(WearableSample sample) {
    flow.send(sample);
    List<TestRecord<String, String>> produced = flow.observations.readRecordsToList();
    produced.forEach(p -> assertValidFhir(p.value()));
    return produced;
  }

  /** Asserts how many deletions had each outcome, then that the counters balance. */
  private void assertDeletionOutcomes(Map<DeletionOutcome, Integer> expected) {
    expected.forEach(
        (outcome, count) ->
            assertThat(flow.counters.deletedCount(outcome))
                .as(outcome.name())
                .isEqualTo((double) count));
    flow.assertCountersBalanced();
  }

  /** The resource ids of deletion markers, after asserting that every record is one. */
  private static List<String> retractedIds(List<TestRecord<String, String>> markers) {
    assertThat(markers).allSatisfy(m -> assertThat(m.value()).isNull());
    return markers.stream().map(m -> header(m.headers(), FhirRecordHeaders.RESOURCE_ID)).toList();
  }

  private static List<String> observationIds(List<TestRecord<String, String>> records) {
    return records.stream().map(r -> idOf(r.value())).toList();
  }

  private static String idOf(String json) {
    int i = json.indexOf("\"id\":\"") + 6;
    return json.substring(i, json.indexOf('"', i));
  }

  /** A metric's field of the patient's day view, as the last Redis flush wrote it. */
  /**
   * Asserts the patient's (of the first Observation written) day value of {@code metric} before and
   * after {@code deleted}'s deletion.
   */
  private void assertDayValueBeforeAndAfterDeleting(
      WearableSample deleted, String metric, String before, String after) {
    String patient = flow.observations.readRecordsToList().get(0).key();
    assertThat(dayValue(patient, metric)).contains(before);

    flow.send(WearableSamples.deletionOf(deleted));

    assertThat(dayValue(patient, metric)).contains(after);
  }

  private String dayValue(String patient, String metric) {
    return flow.flushedRedisValues().get(TopologyHarness.dayField(patient, DAY, metric));
  }

  private static WearableSample hkSteps(String recordId, double count) {
    return SyncVersions.healthKitSteps(recordId, count, 0);
  }
}
