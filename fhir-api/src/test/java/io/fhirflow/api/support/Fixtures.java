package io.fhirflow.api.support;

import static io.fhirflow.contracts.FhirSystems.HEALTHKIT;
import static io.fhirflow.contracts.FhirSystems.LOINC;
import static io.fhirflow.contracts.FhirSystems.OBSERVATION_CATEGORY;

import io.fhirflow.contracts.FhirSystems;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Realistic FHIR R4 JSON as the mapping produces it (vital-signs profiles, LOINC first plus the
 * platform's own coding, UCUM units, subject/device references, meta.versionId/lastUpdated).
 */
public final class Fixtures {

  /** FHIR dateTime with seconds always present (OffsetDateTime.toString drops zero seconds). */
  private static final java.time.format.DateTimeFormatter LOCAL_TIME =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

  private Fixtures() {}

  public static String id(String seed) {
    return UUID.nameUUIDFromBytes(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .toString();
  }

  public static String patient(String patientId, String userId) {
    return """
        {"resourceType":"Patient","id":"%s","meta":{"versionId":"1","lastUpdated":"2026-11-01T00:00:00Z"},
         "identifier":[{"system":"%s","value":"%s"}],"active":true}"""
        .formatted(patientId, FhirSystems.SID_USER, userId);
  }

  /**
   * A patient ({@code userId}) with one heart-rate Observation ({@code bpm} at {@code at}, version
   * 1, from {@code deviceId}): the smallest data a read test needs.
   */
  public static List<String> patientWithHeartRate(
      String patientId,
      String userId,
      String observationId,
      String deviceId,
      Instant at,
      double bpm) {
    return List.of(
        patient(patientId, userId), heartRate(observationId, patientId, deviceId, at, bpm, 1));
  }

  public static String device(String deviceId, String patientId, String serial) {
    return """
        {"resourceType":"Device","id":"%s","meta":{"versionId":"1","lastUpdated":"2026-11-01T00:00:00Z"},
         "identifier":[{"system":"%s","value":"%s"}],"manufacturer":"Apple",
         "deviceName":[{"name":"Apple Watch","type":"model-name"}],"patient":{"reference":"Patient/%s"}}"""
        .formatted(deviceId, FhirSystems.SID_DEVICE_KEY, serial, patientId);
  }

  public static String heartRate(
      String id, String patientId, String deviceId, Instant at, double bpm, int version) {
    return """
        {"resourceType":"Observation","id":"%s",
         "meta":{"versionId":"%d","lastUpdated":"%s","source":"#com.apple.health",
                 "profile":["http://hl7.org/fhir/StructureDefinition/heartrate"]},
         "status":"final",
         "category":[{"coding":[{"system":"%s","code":"vital-signs","display":"Vital Signs"}]}],
         "code":{"coding":[{"system":"%s","code":"8867-4","display":"Heart rate"},
                           {"system":"%s","code":"HKQuantityTypeIdentifierHeartRate"}]},
         "subject":{"reference":"Patient/%s"},
         "effectiveDateTime":"%s",
         "valueQuantity":{"value":%s,"unit":"beats/minute","system":"http://unitsofmeasure.org","code":"/min"},
         "device":{"reference":"Device/%s"}}"""
        .formatted(
            id,
            version,
            at,
            OBSERVATION_CATEGORY,
            LOINC,
            HEALTHKIT,
            patientId,
            LOCAL_TIME.format(at.atOffset(ZoneOffset.ofHours(1))),
            bpm,
            deviceId);
  }

  public static String oxygenSaturation(String id, String patientId, Instant at, double percent) {
    return """
        {"resourceType":"Observation","id":"%s",
         "meta":{"versionId":"1","lastUpdated":"%s","profile":["http://hl7.org/fhir/StructureDefinition/oxygensat"]},
         "status":"final",
         "category":[{"coding":[{"system":"%s","code":"vital-signs","display":"Vital Signs"}]}],
         "code":{"coding":[{"system":"%s","code":"2708-6","display":"Oxygen saturation in Arterial blood"},
                           {"system":"%s","code":"59408-5","display":"Oxygen saturation in Arterial blood by Pulse oximetry"}]},
         "subject":{"reference":"Patient/%s"},
         "effectiveDateTime":"%s",
         "valueQuantity":{"value":%s,"unit":"%%","system":"http://unitsofmeasure.org","code":"%%"}}"""
        .formatted(id, at, OBSERVATION_CATEGORY, LOINC, LOINC, patientId, at, percent);
  }

  public static String steps(String id, String patientId, Instant start, Instant end, int count) {
    return """
        {"resourceType":"Observation","id":"%s","meta":{"versionId":"1","lastUpdated":"%s"},
         "status":"final",
         "category":[{"coding":[{"system":"%s","code":"activity","display":"Activity"}]}],
         "code":{"coding":[{"system":"%s","code":"55423-8","display":"Number of steps in unspecified time Pedometer"},
                           {"system":"%s","code":"HKQuantityTypeIdentifierStepCount"}]},
         "subject":{"reference":"Patient/%s"},
         "effectivePeriod":{"start":"%s","end":"%s"},
         "valueQuantity":{"value":%d,"unit":"steps","system":"http://unitsofmeasure.org","code":"{steps}"}}"""
        .formatted(id, end, OBSERVATION_CATEGORY, LOINC, HEALTHKIT, patientId, start, end, count);
  }
}
