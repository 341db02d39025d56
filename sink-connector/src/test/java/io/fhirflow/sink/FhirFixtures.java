package io.fhirflow.sink;

import static io.fhirflow.contracts.FhirSystems.HEALTHKIT;
import static io.fhirflow.contracts.FhirSystems.HEALTH_CONNECT;
import static io.fhirflow.contracts.FhirSystems.LOINC;
import static io.fhirflow.contracts.FhirSystems.OBSERVATION_CATEGORY;
import static io.fhirflow.contracts.FhirSystems.SID_DEVICE_KEY;
import static io.fhirflow.contracts.FhirSystems.SID_HEALTHKIT_UUID;
import static io.fhirflow.contracts.FhirSystems.SID_USER;

import java.time.Instant;

/**
 * Realistic FHIR R4 resources as the mapping stage publishes them (vital-signs heart rate with
 * effectiveDateTime, step count with effectivePeriod, Patient, Device), with the fields the sink
 * orders on: meta.versionId and meta.lastUpdated. Checked by HAPI's validator in {@link
 * FhirFixturesTest}. Code and identifier systems are the contract's ({@code FhirSystems}), so the
 * extracted search columns are the ones real records give.
 */
final class FhirFixtures {

  private FhirFixtures() {}

  static String heartRate(
      String id, String patientId, long version, Instant lastUpdated, double bpm, Instant time) {
    return """
        {"resourceType":"Observation","id":"%s","meta":{"versionId":"%d","lastUpdated":"%s",\
        "source":"#com.apple.health","profile":["http://hl7.org/fhir/StructureDefinition/heartrate"]},\
        "identifier":[{"system":"%s","value":"%s"}],\
        "status":"final","category":[{"coding":[{"system":"%s",\
        "code":"vital-signs","display":"Vital Signs"}]}],\
        "code":{"coding":[{"system":"%s","code":"8867-4","display":"Heart rate"},\
        {"system":"%s","code":"HKQuantityTypeIdentifierHeartRate",\
        "display":"Heart Rate"}],"text":"Heart rate"},\
        "subject":{"reference":"Patient/%s"},"effectiveDateTime":"%s",\
        "valueQuantity":{"value":%s,"unit":"beats/minute","system":"http://unitsofmeasure.org","code":"/min"},\
        "device":{"reference":"Device/0f8fad5b-d9cb-469f-a165-70867728950e"}}"""
        .formatted(
            id,
            version,
            lastUpdated,
            SID_HEALTHKIT_UUID,
            id,
            OBSERVATION_CATEGORY,
            LOINC,
            HEALTHKIT,
            patientId,
            time,
            fmt(bpm));
  }

  static String steps(
      String id,
      String patientId,
      long version,
      Instant lastUpdated,
      int count,
      Instant start,
      Instant end) {
    return """
        {"resourceType":"Observation","id":"%s","meta":{"versionId":"%d","lastUpdated":"%s",\
        "source":"#com.google.android.apps.fitness"},"status":"final",\
        "category":[{"coding":[{"system":"%s",\
        "code":"activity","display":"Activity"}]}],\
        "code":{"coding":[{"system":"%s","code":"55423-8","display":"Number of steps in unspecified time Pedometer"},\
        {"system":"%s","code":"StepsRecord.count","display":"Steps"}]},\
        "subject":{"reference":"Patient/%s"},"effectivePeriod":{"start":"%s","end":"%s"},\
        "valueQuantity":{"value":%d,"unit":"steps","system":"http://unitsofmeasure.org","code":"{steps}"}}"""
        .formatted(
            id,
            version,
            lastUpdated,
            OBSERVATION_CATEGORY,
            LOINC,
            HEALTH_CONNECT,
            patientId,
            start,
            end,
            count);
  }

  static String patient(String id, String userId, long version, Instant lastUpdated) {
    return """
        {"resourceType":"Patient","id":"%s","meta":{"versionId":"%d","lastUpdated":"%s"},\
        "identifier":[{"system":"%s","value":"%s"}],"active":true}"""
        .formatted(id, version, lastUpdated, SID_USER, userId);
  }

  static String device(String id, long version, Instant lastUpdated) {
    return """
        {"resourceType":"Device","id":"%s","meta":{"versionId":"%d","lastUpdated":"%s"},\
        "identifier":[{"system":"%s","value":"watch-7"}],"manufacturer":"Apple Inc.",\
        "deviceName":[{"name":"Apple Watch","type":"model-name"}],"modelNumber":"Watch7,1"}"""
        .formatted(id, version, lastUpdated, SID_DEVICE_KEY);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
