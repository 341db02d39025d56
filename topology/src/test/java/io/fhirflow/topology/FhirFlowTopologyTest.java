package io.fhirflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.DeadLetterHeaders;
import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.testing.FhirResourceValidator;
import io.fhirflow.schema.HkCategory;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.WearableSamples;
import io.fhirflow.topology.dedupe.DedupProcessor;
import io.fhirflow.topology.ingest.SampleIdentity;
import io.fhirflow.topology.testing.DeadLetterAssertions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FhirFlowTopologyTest {

  /** The local day of the fixtures' samples (WearableSamples), in Redis day keys. */
  private static final LocalDate DAY = LocalDate.of(2026, 3, 14);

  @RegisterExtension final TopologyHarness flow = new TopologyHarness();

  @Test
  void mapsEverySampleTheCatalogueKnowsToValidFhirWithContractHeadersAndDeadLettersTheRest() {
    List<WearableSample> samples = WearableSamples.oneOfEachKind();
    List<WearableSample> mappable =
        samples.stream()
            .filter(s -> TopologyHarness.MAPPER.map(s, false) instanceof Mapped)
            .toList();
    assertThat(mappable)
        .as("the catalogue maps at least heart rate, blood pressure and HC series")
        .hasSizeGreaterThanOrEqualTo(3);
    samples.forEach(flow::send);

    List<TestRecord<String, String>> observations = flow.observations.readRecordsToList();
    assertThat(observations).hasSizeGreaterThanOrEqualTo(mappable.size());
    for (TestRecord<String, String> o : observations) {
      assertValidFhir(o.value());
      assertThat(header(o.headers(), FhirRecordHeaders.RESOURCE_TYPE)).isEqualTo("Observation");
      assertThat(header(o.headers(), FhirRecordHeaders.FHIR_VERSION))
          .isEqualTo(FhirRecordHeaders.FHIR_VERSION_VALUE);
      assertThat(header(o.headers(), FhirRecordHeaders.SOURCE_RECORD_ID)).isNotBlank();
      assertThat(o.value()).contains("\"Patient/" + o.key() + "\"");
    }
    flow.patients.readValuesToList().forEach(FhirFlowTopologyTest::assertValidFhir);
    flow.devices.readValuesToList().forEach(FhirFlowTopologyTest::assertValidFhir);
    assertThat(flow.deadLetters.readRecordsToList())
        .hasSize(samples.size() - mappable.size())
        .allSatisfy(
            d ->
                assertThat(header(d.headers(), DeadLetterHeaders.REASON))
                    .isEqualTo("UNKNOWN_TYPE"));
    assertThat(flow.counters.outCount()).isEqualTo(mappable.size());
  }

  @Test
  void dropsAnExactDuplicateInsideRetention() {
    WearableSample hr = WearableSamples.healthKitHeartRate().build();
    flow.send(hr);
    flow.send(hr, TopologyHarness.NOW.plus(Duration.ofHours(47)));

    assertObservationsAndDuplicates(1, 1);
  }

  @Test
  void mapsANewerVersionAsAnAmendedUpdateOfTheSameObservations() {
    WearableSample v1 = WearableSamples.healthConnectHeartRateSeries(1).build();
    WearableSample v2 = WearableSamples.healthConnectHeartRateSeries(2).build();
    flow.send(v1);
    List<String> first = flow.observations.readValuesToList();
    flow.send(v2);
    List<String> second = flow.observations.readValuesToList();

    assertThat(second).hasSameSizeAs(first).isNotEmpty();
    assertThat(second.stream().map(FhirFlowTopologyTest::idOf))
        .containsExactlyElementsOf(first.stream().map(FhirFlowTopologyTest::idOf).toList());
    assertThat(first).allSatisfy(o -> assertThat(o).contains("\"status\":\"final\""));
    assertThat(second).allSatisfy(o -> assertThat(o).contains("\"status\":\"amended\""));
    second.forEach(FhirFlowTopologyTest::assertValidFhir);
    assertThat(flow.counters.updateCount()).isEqualTo(1);
  }

  @Test
  void treatsAnEqualOrOlderVersionAsADuplicate() {
    flow.send(WearableSamples.healthConnectHeartRateSeries(2).build());
    flow.send(WearableSamples.healthConnectHeartRateSeries(1).build());
    flow.send(WearableSamples.healthConnectHeartRateSeries(2).build());

    assertObservationsAndDuplicates(5, 2);
  }

  @Test
  void aHealthKitSyncVersionOrdersVersionsToo() {
    flow.send(SyncVersions.healthKitSteps("s", 100, 4));
    flow.send(SyncVersions.healthKitSteps("s", 100, 3));
    flow.send(SyncVersions.healthKitSteps("s", 120, 5));

    assertObservationsAndDuplicates(2, 1);
    assertThat(flow.counters.updateCount()).isEqualTo(1);
  }

  @Test
  void acceptsABackFilledSampleMeasuredThirtyDaysAgoOnceAndDropsItsCopies() {
    Instant monthAgo = TopologyHarness.NOW.minus(Duration.ofDays(30));
    WearableSample late =
        WearableSamples.healthKitHeartRate()
            .setRecordId("late-hr")
            .setStartTime(monthAgo)
            .setEndTime(monthAgo)
            .build();
    flow.send(late);
    flow.send(late, TopologyHarness.NOW.plus(Duration.ofHours(6)));

    assertObservationsAndDuplicates(1, 1);
  }

  @Test
  void forgetsAnIdRetentionAfterItWasLastSeenAndSweepsItFromTheStore() {
    WearableSample hr = WearableSamples.healthKitHeartRate().build();
    WearableSample other = WearableSamples.healthKitHeartRate().setRecordId("other").build();
    flow.send(hr);
    flow.send(other, TopologyHarness.NOW.plus(Duration.ofHours(49)));
    flow.driver.advanceWallClockTime(Duration.ofSeconds(15));

    assertThat(
            flow.driver
                .getTimestampedKeyValueStore(DedupProcessor.STORE)
                .get(Bytes.wrap(SampleIdentity.of(io.fhirflow.contracts.Tenants.DEFAULT, hr))))
        .isNull();
    flow.send(hr, TopologyHarness.NOW.plus(Duration.ofHours(49)));
    assertThat(flow.observations.readRecordsToList()).hasSize(3);
  }

  @Test
  void aDuplicateExtendsRetentionFromItsOwnSighting() {
    WearableSample hr = WearableSamples.healthKitHeartRate().build();
    flow.send(hr);
    flow.send(hr, TopologyHarness.NOW.plus(Duration.ofHours(40)));
    flow.send(hr, TopologyHarness.NOW.plus(Duration.ofHours(80)));

    assertObservationsAndDuplicates(1, 2);
  }

  @Test
  void aRecordStampedThirtyDaysAheadCannotExpireTheDedupeState() {
    WearableSample hr = WearableSamples.healthKitHeartRate().build();
    flow.send(hr);
    // A producer on a CreateTime topic stamps a valid sample 30 days ahead; then the sweep runs.
    flow.sendStamped(
        WearableSamples.healthKitHeartRate().setRecordId("stamped-ahead").build(),
        TopologyHarness.NOW.plus(Duration.ofDays(30)));
    flow.advanceWallClock(
        Duration.ofMillis(TopologyConfig.EXPIRY_SWEEP_INTERVAL_MS_DEFAULT + 1000));
    flow.send(hr, TopologyHarness.NOW.plus(Duration.ofMinutes(1)));

    assertObservationsAndDuplicates(2, 1);
  }

  @Test
  void aSampleFromTheFutureIsRejectedAndNeverBecomesThePatientsLatestValue() {
    Instant ahead = TopologyHarness.NOW.plus(Duration.ofDays(30));
    flow.send(
        WearableSamples.healthKitHeartRate()
            .setRecordId("ahead")
            .setStartTime(ahead)
            .setEndTime(ahead)
            .setBody(HkQuantity.newBuilder().setValue(150).setUnit("count/min").build())
            .build());
    flow.send(WearableSamples.healthKitHeartRate().setRecordId("now").build());

    List<TestRecord<byte[], byte[]>> letters = flow.deadLetters.readRecordsToList();
    assertThat(letters)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(header(d.headers(), DeadLetterHeaders.STAGE)).isEqualTo("validate");
              assertThat(header(d.headers(), DeadLetterHeaders.REASON)).isEqualTo("FUTURE_TIME");
            });
    String patient = flow.observations.readRecordsToList().get(0).key();
    assertThat(flow.flushedRedisValues().get(TopologyHarness.latestField(patient, "heart_rate")))
        .contains("\"value\":72");
  }

  @Test
  void aFutureLastModifiedTimeIsRejectedSoItCannotOutrankRealUpdates() {
    WearableSample steps = WearableSamples.healthConnectSteps().build();
    flow.send(
        WearableSample.newBuilder(steps)
            .setVersion(
                RecordVersion.newBuilder(steps.getVersion())
                    .setLastModifiedTime(TopologyHarness.NOW.plus(Duration.ofDays(30)))
                    .build())
            .build());

    assertThat(flow.deadLetters.readRecordsToList())
        .singleElement()
        .satisfies(
            d ->
                assertThat(header(d.headers(), DeadLetterHeaders.REASON))
                    .isEqualTo("FUTURE_LAST_MODIFIED"));
    assertThat(flow.observations.readRecordsToList()).isEmpty();
  }

  @Test
  void aSampleWithinTheClockSkewMarginIsAccepted() {
    Instant skewed = TopologyHarness.NOW.plus(Duration.ofMinutes(4));
    flow.send(WearableSamples.healthKitHeartRate().setStartTime(skewed).setEndTime(skewed).build());
    assertThat(flow.observations.readRecordsToList()).hasSize(1);
    assertThat(flow.deadLetters.readRecordsToList()).isEmpty();
  }

  @Test
  void emitsEachPatientAndDeviceOnceHoweverManySamplesCarryThem() {
    flow.send(WearableSamples.healthKitHeartRate().setRecordId("a").build());
    flow.send(WearableSamples.healthKitHeartRate().setRecordId("b").build());
    flow.send(WearableSamples.healthKitBloodPressure().build());
    flow.send(WearableSamples.healthConnectHeartRateSeries().build());
    flow.send(WearableSamples.healthKitHeartRate().setRecordId("c").setUserId("user-0002").build());

    List<TestRecord<String, String>> patients = flow.patients.readRecordsToList();
    assertThat(patients).hasSize(2);
    assertThat(patients)
        .allSatisfy(
            p ->
                assertThat(header(p.headers(), FhirRecordHeaders.RESOURCE_TYPE))
                    .isEqualTo("Patient"));
    List<TestRecord<String, String>> devices = flow.devices.readRecordsToList();
    assertThat(devices.stream().map(TestRecord::key).distinct()).hasSameSizeAs(devices);
    // Apple Watch of user 1, Apple Watch of user 2 (same model, each user's own Device), Withings
    // cuff, Pixel Watch
    assertThat(devices).hasSize(4);
    devices.forEach(d -> assertValidFhir(d.value()));
    patients.forEach(p -> assertValidFhir(p.value()));
  }

  @Test
  void anotherUserSendingTheSameRecordIdGetsItsOwnObservationNeverTheOwners() {
    WearableSample mine = WearableSamples.healthKitHeartRate().setRecordId("replayed-uuid").build();
    WearableSample theirs =
        WearableSamples.healthKitHeartRate()
            .setRecordId("replayed-uuid")
            .setUserId("user-0002")
            .build();
    flow.send(mine);
    flow.send(theirs);

    List<TestRecord<String, String>> observations = flow.observations.readRecordsToList();
    assertThat(observations).hasSize(2);
    assertThat(observations.stream().map(o -> resourceId(o.value())).distinct()).hasSize(2);
    assertThat(observations.stream().map(TestRecord::key).distinct()).hasSize(2);
    observations.forEach(
        o ->
            assertThat(o.value())
                .contains("\"subject\":{\"reference\":\"Patient/" + o.key() + "\"}"));
    assertThat(flow.counters.duplicateCount()).isZero();
  }

  /** The id of a resource as the mapper writes it: right after resourceType. */
  private static String resourceId(String json) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("^\\{\"resourceType\":\"\\w+\",\"id\":\"([^\"]+)\"")
            .matcher(json);
    assertThat(m.find()).as(json).isTrue();
    return m.group(1);
  }

  static Stream<Arguments> catalogueRejections() {
    Instant t = WearableSamples.MORNING;
    return Stream.of(
        Arguments.of(
            "UNKNOWN_TYPE",
            WearableSamples.healthKitHeartRate()
                .setType("HKQuantityTypeIdentifierNoSuchThing")
                .build()),
        Arguments.of(
            "NOT_FINITE",
            WearableSamples.healthKitHeartRate()
                .setBody(HkQuantity.newBuilder().setValue(Double.NaN).setUnit("count/min").build())
                .build()),
        Arguments.of(
            "END_BEFORE_START",
            WearableSamples.healthKitHeartRate().setEndTime(t.minusSeconds(60)).build()),
        Arguments.of(
            "OUT_OF_RANGE",
            WearableSamples.healthKitHeartRate()
                .setBody(HkQuantity.newBuilder().setValue(1000).setUnit("count/min").build())
                .build()),
        Arguments.of("MISSING_ID", WearableSamples.healthKitHeartRate().setRecordId(" ").build()),
        Arguments.of(
            "UNCONVERTIBLE_UNIT",
            WearableSamples.healthKitHeartRate()
                .setBody(HkQuantity.newBuilder().setValue(72).setUnit("kg").build())
                .build()),
        Arguments.of(
            "INVALID_SHAPE",
            WearableSamples.healthKitHeartRate()
                .setBody(HkCategory.newBuilder().setValue(1).build())
                .build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogueRejections")
  void deadLettersWhatTheCatalogueRejectsWithItsReasonAndTheOriginalBytes(
      String reason, WearableSample sample) {
    byte[] value = flow.serialize(sample);
    flow.sendRaw(sample.getUserId().getBytes(StandardCharsets.UTF_8), value, TopologyHarness.NOW);

    TestRecord<byte[], byte[]> dead = onlyDeadLetter();
    assertThat(dead.value()).isEqualTo(value);
    assertThat(header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo(reason);
    assertThat(header(dead.headers(), DeadLetterHeaders.STAGE)).isEqualTo("map");
    assertThat(flow.observations.isEmpty()).isTrue();
  }

  @Test
  void deadLettersBytesThatAreNotConfluentWireFormat() {
    byte[] garbage = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
    flow.sendRaw("user-1".getBytes(StandardCharsets.UTF_8), garbage, TopologyHarness.NOW);

    TestRecord<byte[], byte[]> dead = onlyDeadLetter();
    assertThat(dead.key()).isEqualTo("user-1".getBytes(StandardCharsets.UTF_8));
    assertThat(dead.value()).isEqualTo(garbage);
    DeadLetterAssertions.assertCauseAndSource(
        dead.headers(),
        "deserialize",
        "NOT_WIRE_FORMAT",
        "NotWireFormatException",
        PipelineTopic.Names.RAW,
        0,
        0);
    assertThat(Instant.parse(header(dead.headers(), DeadLetterHeaders.TIME)))
        .isEqualTo(TopologyHarness.NOW);
  }

  @Test
  void deadLettersARecordWhoseSchemaIdTheRegistryDoesNotKnow() {
    byte[] value = flow.serialize(WearableSamples.healthKitHeartRate().build());
    value[1] = 0x7f; // schema id 0x7f000000+: never registered

    assertThat(deadLetterReasonOfRaw(value)).isEqualTo("UNKNOWN_SCHEMA_ID");
  }

  @Test
  void deadLettersACorruptAvroBody() {
    byte[] value = flow.serialize(WearableSamples.healthKitHeartRate().build());
    byte[] truncated = java.util.Arrays.copyOf(value, 12);

    assertThat(deadLetterReasonOfRaw(truncated)).isEqualTo("CORRUPT_BODY");
  }

  @Test
  void deadLettersARecordWithoutKey() {
    byte[] value = flow.serialize(WearableSamples.healthKitHeartRate().build());
    flow.sendRaw(null, value, TopologyHarness.NOW);

    TestRecord<byte[], byte[]> dead = onlyDeadLetter();
    assertThat(dead.key()).isNull();
    assertThat(dead.value()).isEqualTo(value);
    assertThat(header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("NULL_KEY");
  }

  @Test
  void deadLettersARecordLargerThanTheConfiguredLimitBeforeDecodingIt() {
    try (TopologyHarness small =
        new TopologyHarness(Map.of(TopologyConfig.RECORD_MAX_BYTES_CONFIG, "2048"))) {
      byte[] big = new byte[4096];
      small.sendRaw("user-1".getBytes(StandardCharsets.UTF_8), big, TopologyHarness.NOW);
      TestRecord<byte[], byte[]> dead = small.deadLetters.readRecord();
      assertThat(dead.value()).isEqualTo(big);
      assertThat(header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("OVERSIZED");
    }
  }

  @Test
  void deadLettersASampleWhoseKeyIsNotItsUserIdBecauseDedupeReliesOnIt() {
    WearableSample hr = WearableSamples.healthKitHeartRate().build();
    flow.sendRaw(
        "someone-else".getBytes(StandardCharsets.UTF_8), flow.serialize(hr), TopologyHarness.NOW);

    assertThat(header(onlyDeadLetter().headers(), DeadLetterHeaders.REASON))
        .isEqualTo("KEY_MISMATCH");
  }

  @Test
  void keepsDayTotalsRatesAndLatestValuesPerPatientInLocalDays() {
    flow.send(WearableSamples.healthKitSteps("steps-1", 1342).build());
    flow.send(WearableSamples.healthKitSteps("steps-2", 658).build());
    flow.send(WearableSamples.healthConnectHeartRateSeries().build());
    String patient = flow.observations.readRecordsToList().get(0).key();

    Map<String, String> redis = flow.flushedRedisValues();
    assertThat(redis.get(TopologyHarness.dayField(patient, DAY, "steps")))
        .isEqualTo("{\"kind\":\"CUMULATIVE\",\"unit\":\"{steps}\",\"sum\":2000,\"count\":2}");
    assertThat(redis.get(TopologyHarness.dayField(patient, DAY, "heart_rate")))
        .isEqualTo(
            "{\"kind\":\"RATE\",\"unit\":\"/min\",\"min\":68,\"max\":75,\"avg\":71.6,\"count\":5}");
    assertThat(redis.get(TopologyHarness.latestField(patient, "heart_rate")))
        .isEqualTo("{\"value\":70,\"unit\":\"/min\",\"time\":\"2026-03-14T07:14:00Z\"}");
  }

  @Test
  void anUpdatedSampleReplacesItsContributionToTheDayTotal() {
    flow.send(SyncVersions.healthKitSteps("s", 1342, 1));
    flow.send(SyncVersions.healthKitSteps("s", 1500, 2));
    String patient = flow.observations.readRecordsToList().get(0).key();

    assertThat(flow.flushedRedisValues().get(TopologyHarness.dayField(patient, DAY, "steps")))
        .contains("\"sum\":1500,\"count\":1");
  }

  /**
   * Issue 12, item 8: after Redis lost values, the view comes back from state without a new sample.
   */
  @Test
  void rewritesEveryLatestValueAndDayAggregateFromStateWhenRedisLostValues() {
    WearableSample hr = WearableSamples.healthKitHeartRate().build();
    WearableSample steps = WearableSamples.healthConnectSteps().build();
    flow.send(hr);
    flow.send(steps);
    Map<String, String> written = flow.flushedRedisValues();
    flow.redisBatches.clear();
    assertThat(flow.flushedRedisValues()).as("nothing changed, nothing written").isEmpty();

    flow.redisLossGeneration++;

    assertThat(flow.flushedRedisValues()).isEqualTo(written);
  }

  @Test
  void anOlderMeasurementArrivingLaterDoesNotReplaceTheLatestValue() {
    Instant later = WearableSamples.MORNING.plusSeconds(600);
    flow.send(
        WearableSamples.healthKitHeartRate()
            .setRecordId("new")
            .setStartTime(later)
            .setEndTime(later)
            .build());
    flow.send(
        WearableSamples.healthKitHeartRate()
            .setRecordId("old")
            .setBody(HkQuantity.newBuilder().setValue(99).setUnit("count/min").build())
            .build());
    String patient = flow.observations.readRecordsToList().get(0).key();

    assertThat(flow.flushedRedisValues().get(TopologyHarness.latestField(patient, "heart_rate")))
        .contains("\"value\":72", later.toString());
  }

  @Test
  void usesTheSamplesTimeZoneForTheLocalDay() {
    // 23:30 UTC on the 13th is already the 14th in Paris.
    Instant lateEvening = Instant.parse("2026-03-13T23:30:00Z");
    flow.send(
        WearableSamples.healthKitHeartRate()
            .setStartTime(lateEvening)
            .setEndTime(lateEvening)
            .build());
    String patient = flow.observations.readRecordsToList().get(0).key();

    assertThat(flow.flushedRedisValues())
        .containsKey(TopologyHarness.dayField(patient, DAY, "heart_rate"));
  }

  @Test
  void countsEveryRecordExactlyOnceAcrossOutputUpdatesDuplicatesAndDeadLetters() {
    flow.send(WearableSamples.healthKitHeartRate().build());
    flow.send(WearableSamples.healthKitBloodPressure().build());
    flow.send(WearableSamples.healthConnectHeartRateSeries(1).build());
    flow.send(WearableSamples.healthConnectHeartRateSeries(2).build());
    flow.send(WearableSamples.healthKitHeartRate().build());
    flow.sendRaw(null, new byte[] {1, 2, 3}, TopologyHarness.NOW);
    flow.send(
        WearableSamples.healthKitHeartRate().setRecordId("unknown-type").setType("Nope").build());

    flow.assertCounters(7, 3, 1, 1, 0, 2);
  }

  private void assertObservationsAndDuplicates(int observations, int duplicates) {
    assertThat(flow.observations.readRecordsToList()).hasSize(observations);
    assertThat(flow.counters.duplicateCount()).isEqualTo(duplicates);
  }

  /** Sends {@code value} as the user's raw record and returns the reason it was dead-lettered. */
  private String deadLetterReasonOfRaw(byte[] value) {
    flow.sendRaw(
        WearableSamples.USER_ID.getBytes(StandardCharsets.UTF_8), value, TopologyHarness.NOW);
    return header(onlyDeadLetter().headers(), DeadLetterHeaders.REASON);
  }

  private TestRecord<byte[], byte[]> onlyDeadLetter() {
    List<TestRecord<byte[], byte[]>> dead = flow.deadLetters.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(flow.counters.deadLetteredCount()).isEqualTo(1);
    return dead.get(0);
  }

  static String header(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static String idOf(String json) {
    int i = json.indexOf("\"id\":\"") + 6;
    return json.substring(i, json.indexOf('"', i));
  }

  static void assertValidFhir(String json) {
    assertThat(FhirResourceValidator.errors(json))
        .as(() -> FhirResourceValidator.describe(FhirResourceValidator.errors(json)))
        .isEmpty();
  }
}
