package io.fhirflow.sink;

import java.time.Instant;

/**
 * Realistic FHIR R4 resources as the mapping stage publishes them (vital-signs heart rate with
 * effectiveDateTime, step count with effectivePeriod, Patient, Device), with the fields the sink
 * orders on: meta.versionId and meta.lastUpdated. Checked by HAPI's validator in {@link
 * FhirFixturesTest}.
 */
final class FhirFixtures {

  private FhirFixtures() {}

  static final String LOINC = "http://loinc.org";
  static final String HK = "http://developer.apple.com/documentation/healthkit";
  static final String VITAL_SIGNS =
      "http://terminology.hl7.org/CodeSystem/observation-category|vital-signs";

  static String heartRate(
      String id, String patientId, long version, Instant lastUpdated, double bpm, Instant time) {
    return """
        {"resourceType":"Observation","id":"%s","meta":{"versionId":"%d","lastUpdated":"%s",\
        "source":"#com.apple.health","profile":["http://hl7.org/fhir/StructureDefinition/heartrate"]},\
        "identifier":[{"system":"urn:fhirflow:healthkit:uuid","value":"%s"}],\
        "status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category",\
        "code":"vital-signs","display":"Vital Signs"}]}],\
        "code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"},\
        {"system":"http://developer.apple.com/documentation/healthkit","code":"HKQuantityTypeIdentifierHeartRate",\
        "display":"Heart Rate"}],"text":"Heart rate"},\
        "subject":{"reference":"Patient/%s"},"effectiveDateTime":"%s",\
        "valueQuantity":{"value":%s,"unit":"beats/minute","system":"http://unitsofmeasure.org","code":"/min"},\
        "device":{"reference":"Device/0f8fad5b-d9cb-469f-a165-70867728950e"}}"""
        .formatted(id, version, lastUpdated, id, patientId, time, fmt(bpm));
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
        "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category",\
        "code":"activity","display":"Activity"}]}],\
        "code":{"coding":[{"system":"http://loinc.org","code":"55423-8","display":"Number of steps in unspecified time Pedometer"},\
        {"system":"https://developer.android.com/reference/androidx/health/connect/client/records",\
        "code":"StepsRecord","display":"Steps"}]},\
        "subject":{"reference":"Patient/%s"},"effectivePeriod":{"start":"%s","end":"%s"},\
        "valueQuantity":{"value":%d,"unit":"steps","system":"http://unitsofmeasure.org","code":"{steps}"}}"""
        .formatted(id, version, lastUpdated, patientId, start, end, count);
  }

  static String patient(String id, String userId, long version, Instant lastUpdated) {
    return """
        {"resourceType":"Patient","id":"%s","meta":{"versionId":"%d","lastUpdated":"%s"},\
        "identifier":[{"system":"urn:fhirflow:user-id","value":"%s"}],"active":true}"""
        .formatted(id, version, lastUpdated, userId);
  }

  static String device(String id, long version, Instant lastUpdated) {
    return """
        {"resourceType":"Device","id":"%s","meta":{"versionId":"%d","lastUpdated":"%s"},\
        "identifier":[{"system":"urn:fhirflow:device","value":"watch-7"}],"manufacturer":"Apple Inc.",\
        "deviceName":[{"name":"Apple Watch","type":"model-name"}],"modelNumber":"Watch7,1"}"""
        .formatted(id, version, lastUpdated);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
