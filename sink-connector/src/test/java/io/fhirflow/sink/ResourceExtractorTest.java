package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.store.StoreTables;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourceExtractorTest {

  private static final Instant UPDATED = Instant.parse("2026-11-26T08:00:01.123Z");
  private static final Instant AT = Instant.parse("2026-11-26T07:59:00Z");
  private final ResourceExtractor extractor =
      new ResourceExtractor(
          new FhirSinkConnectorConfig(Map.of("connection.url", "jdbc:postgresql://x/y"))
              .tableMapping());

  @Test
  void readsTheSearchColumnsOfAnInstantObservation() {
    String json = FhirFixtures.heartRate("obs-1", "pat-1", 3, UPDATED, 72, AT);

    ResourceRow row = extractor.extract(json.getBytes(StandardCharsets.UTF_8));

    assertThat(row.type()).isEqualTo(ResourceType.OBSERVATION);
    assertThat(row.id()).isEqualTo("obs-1");
    assertThat(row.patientId()).isEqualTo("pat-1");
    assertThat(row.code()).isEqualTo("http://loinc.org|8867-4");
    assertThat(row.codes())
        .containsExactly(
            "http://loinc.org|8867-4",
            FhirSystems.HEALTHKIT + "|HKQuantityTypeIdentifierHeartRate");
    assertThat(row.category()).containsExactly(FhirSystems.OBSERVATION_CATEGORY + "|vital-signs");
    assertThat(row.effectiveStart()).isEqualTo(AT);
    assertThat(row.effectiveEnd()).isEqualTo(AT);
    assertThat(row.lastUpdated()).isEqualTo(UPDATED);
    assertThat(row.versionId()).isEqualTo(3);
    assertThat(row.json()).isEqualTo(json);
  }

  @Test
  void readsAnIntervalObservationFromItsEffectivePeriod() {
    ResourceRow row =
        extractor.extract(
            FhirFixtures.steps("obs-2", "pat-1", 1, UPDATED, 812, AT, AT.plusSeconds(900)));
    assertThat(row.effectiveStart()).isEqualTo(AT);
    assertThat(row.effectiveEnd()).isEqualTo(AT.plusSeconds(900));
    assertThat(row.code()).isEqualTo("http://loinc.org|55423-8");
  }

  @Test
  void readsIdentifiersOfPatientsAndDevices() {
    ResourceRow patient = extractor.extract(FhirFixtures.patient("pat-1", "user-42", 1, UPDATED));
    ResourceRow device = extractor.extract(FhirFixtures.device("dev-1", 1, UPDATED));
    assertThat(patient.identifiers()).containsExactly(FhirSystems.SID_USER + "|user-42");
    assertThat(patient.patientId()).isNull();
    assertThat(device.type()).isEqualTo(ResourceType.DEVICE);
    assertThat(device.identifiers()).containsExactly(FhirSystems.SID_DEVICE_KEY + "|watch-7");
  }

  @ParameterizedTest
  @CsvSource({
    "Patient/abc, abc",
    "https://fhir.example.org/r4/Patient/abc, abc",
    "Patient/abc/_history/4, abc"
  })
  void takesThePatientIdOutOfAnyReferenceForm(String reference, String expected) {
    String json =
        FhirFixtures.heartRate("o", "x", 1, UPDATED, 60, AT)
            .replace("\"Patient/x\"", "\"" + reference + "\"");
    assertThat(extractor.extract(json).patientId()).isEqualTo(expected);
  }

  @Test
  void keepsMicrosecondsOnlyBecauseThatIsWhatPostgresStores() {
    String json =
        FhirFixtures.patient("p", "u", 1, UPDATED)
            .replace(UPDATED.toString(), "2026-11-26T10:00:00.1234567+02:00");
    assertThat(extractor.extract(json).lastUpdated())
        .isEqualTo(Instant.parse("2026-11-26T08:00:00.123456Z"));
  }

  @Test
  void datesAPatientOrDeviceWithoutMetaByItsRecordTimestamp() {
    String json =
        "{\"resourceType\":\"Patient\",\"id\":\"p1\","
            + "\"identifier\":[{\"system\":\""
            + FhirSystems.SID_USER
            + "\",\"value\":\"u1\"}]}";
    ResourceRow row = extractor.extract(json, UPDATED.toEpochMilli());
    assertThat(row.lastUpdated()).isEqualTo(Instant.ofEpochMilli(UPDATED.toEpochMilli()));
    assertThat(row.versionId()).isZero();
    assertRejected(() -> extractor.extract(json, null), RejectReason.MISSING_LAST_UPDATED);
  }

  @Test
  void requiresLastUpdatedOnAnObservationEvenWithARecordTimestamp() {
    String json =
        FhirFixtures.heartRate("o", "p", 1, UPDATED, 60, AT)
            .replace("\"lastUpdated\"", "\"updated\"");
    assertRejected(
        () -> extractor.extract(json, UPDATED.toEpochMilli()), RejectReason.MISSING_LAST_UPDATED);
  }

  @Test
  void treatsAMissingVersionIdAsVersionZero() {
    String json = FhirFixtures.patient("p", "u", 1, UPDATED).replace("\"versionId\":\"1\",", "");
    assertThat(extractor.extract(json).versionId()).isZero();
  }

  @Test
  void rejectsEachUnwritableShapeWithItsReason() {
    String hr = FhirFixtures.heartRate("obs-1", "pat-1", 1, UPDATED, 72, AT);
    assertReason(null, RejectReason.NULL_VALUE);
    assertReason(42, RejectReason.UNSUPPORTED_VALUE_TYPE);
    assertReason("{\"resourceType\":", RejectReason.NOT_JSON);
    assertReason("{\"a\":1} {\"b\":2}", RejectReason.NOT_JSON);
    assertReason("[1,2]", RejectReason.NOT_FHIR);
    assertReason("{\"id\":\"x\"}", RejectReason.NOT_FHIR);
    assertReason(
        hr.replace("\"Observation\"", "\"Encounter\""), RejectReason.UNKNOWN_RESOURCE_TYPE);
    assertReason(hr.replace("\"id\":\"obs-1\",", ""), RejectReason.MISSING_ID);
    assertReason(hr.replace("obs-1", "o".repeat(65)), RejectReason.ID_TOO_LONG);
    assertReason(hr.replace("obs-1", "obs/1"), RejectReason.INVALID_ID);
    assertReason(
        hr.replace("\"subject\":{\"reference\":\"Patient/pat-1\"},", ""),
        RejectReason.MISSING_SUBJECT);
    assertReason(hr.replace("Patient/pat-1", "Group/g1"), RejectReason.MISSING_SUBJECT);
    assertReason(hr.replace("\"lastUpdated\"", "\"updated\""), RejectReason.MISSING_LAST_UPDATED);
    assertReason(
        hr.replace("\"versionId\":\"1\"", "\"versionId\":\"v1\""), RejectReason.INVALID_VERSION_ID);
    assertReason(hr.replace(AT.toString(), "yesterday"), RejectReason.INVALID_DATE);
    assertReason(
        hr.replace("\"system\":\"http://loinc.org\",", "")
            .replace("\"system\":\"http://developer.apple.com/documentation/healthkit\",", ""),
        RejectReason.MISSING_CODE);
    assertReason(
        hr.replace("\"Heart rate\"}", "\"Heart\\u0000rate\"}"), RejectReason.NUL_CHARACTER);
  }

  @Test
  void tellsTheNulEscapeFromABackslashFollowedByTheTextU0000() {
    String hr = FhirFixtures.heartRate("obs-1", "pat-1", 1, UPDATED, 72, AT);
    // JSON text Heart\\u0000rate: a backslash, then the six characters u0000 - jsonb stores it.
    assertThat(extractor.extract(hr.replace("\"Heart rate\"}", "\"Heart\\\\u0000rate\"}")).id())
        .isEqualTo("obs-1");
    // JSON text Heart\\\u0000rate: a backslash, then U+0000.
    assertReason(
        hr.replace("\"Heart rate\"}", "\"Heart\\\\\\u0000rate\"}"), RejectReason.NUL_CHARACTER);
  }

  @Test
  void rejectsTypesLeftOutOfTheTableMapping() {
    ResourceExtractor observationsOnly =
        new ResourceExtractor(Map.of(ResourceType.OBSERVATION, StoreTables.OBSERVATION));
    assertRejected(
        () -> observationsOnly.extract(FhirFixtures.patient("p", "u", 1, UPDATED)),
        RejectReason.UNKNOWN_RESOURCE_TYPE);
  }

  @Test
  void neverPutsRecordContentIntoTheRejectionMessage() {
    String secret =
        FhirFixtures.heartRate("obs-secret", "pat-secret", 1, UPDATED, 72, AT)
            .replace("Patient/pat-secret", "Group/pat-secret");
    assertThatThrownBy(() -> extractor.extract(secret))
        .hasMessageNotContaining("secret")
        .hasMessageStartingWith("MISSING_SUBJECT");
  }

  private void assertReason(Object value, RejectReason reason) {
    assertRejected(() -> extractor.extract(value), reason);
  }

  /** The extraction refuses the record as unwritable, for {@code reason}. */
  private static void assertRejected(ThrowingCallable extraction, RejectReason reason) {
    assertThatThrownBy(extraction)
        .as(reason.code())
        .isInstanceOfSatisfying(
            UnwritableRecordException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @Test
  void listsCodesInTheOrderOfTheCodings() {
    assertThat(extractor.extract(FhirFixtures.steps("s", "p", 1, UPDATED, 1, AT, AT)).codes())
        .isEqualTo(
            List.of("http://loinc.org|55423-8", FhirSystems.HEALTH_CONNECT + "|StepsRecord.count"));
  }
}
