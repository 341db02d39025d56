package io.fhirflow.contracts;

/** Every system URI and fixed URL fhirflow writes, defined once. */
public final class FhirSystems {
  public static final String LOINC = "http://loinc.org";
  public static final String UCUM = "http://unitsofmeasure.org";
  public static final String OBSERVATION_CATEGORY =
      "http://terminology.hl7.org/CodeSystem/observation-category";
  public static final String PROFILE_BASE = "http://hl7.org/fhir/StructureDefinition/";

  /**
   * HealthKit type identifiers and category values (the system HealthKitOnFHIR uses, for
   * interoperability).
   */
  public static final String HEALTHKIT = "http://developer.apple.com/documentation/healthkit";

  /**
   * Health Connect record types ({@code HeartRateRecord}, {@code NutritionRecord.protein}) and
   * constants.
   */
  public static final String HEALTH_CONNECT = "https://fhirflow.io/fhir/CodeSystem/health-connect";

  /** Identifier system of the gateway's user id (Patient.identifier). */
  public static final String SID_USER = "https://fhirflow.io/fhir/sid/user-id";

  /** Identifier system of a HealthKit sample UUID (Observation.identifier). */
  public static final String SID_HEALTHKIT_UUID = "https://fhirflow.io/fhir/sid/healthkit-uuid";

  /** Identifier system of a Health Connect metadata.id (Observation.identifier). */
  public static final String SID_HEALTH_CONNECT_ID =
      "https://fhirflow.io/fhir/sid/health-connect-id";

  /** Identifier system of a Health Connect clientRecordId, value {@code package:clientRecordId}. */
  public static final String SID_HEALTH_CONNECT_CLIENT_ID =
      "https://fhirflow.io/fhir/sid/health-connect-client-record-id";

  /**
   * Identifier system of a Device key: platform, manufacturer, model and hardware, never serials or
   * MACs.
   */
  public static final String SID_DEVICE_KEY = "https://fhirflow.io/fhir/sid/device-key";

  /**
   * fhirflow's summary Observations (docs/summaries.md): category codes {@code hourly}, {@code
   * daily}, {@code nightly}; code = the measure ({@code steps-day}); meta.tag {@code summary}.
   */
  public static final String SUMMARY = "https://fhirflow.io/fhir/CodeSystem/summary";

  /** Identifier system of a summary Observation, value {@code <measure>/<period>}. */
  public static final String SID_SUMMARY = "https://fhirflow.io/fhir/sid/summary";

  /** R4's statistics code system: a summary's min, max, average and count components. */
  public static final String OBSERVATION_STATISTICS =
      "http://terminology.hl7.org/CodeSystem/observation-statistics";

  /** Prefix of meta.source: {@code urn:fhirflow:app:<platform>:<bundle id or package>}. */
  public static final String SOURCE_PREFIX = "urn:fhirflow:app:";

  /**
   * Identifier system of an erasure request id (AuditEvent.entity.what.identifier of an erasure).
   */
  public static final String SID_ERASURE_REQUEST = "https://fhirflow.io/fhir/sid/erasure-request";

  /** AuditEvent.subtype of fhirflow's own events that are not REST interactions ({@code erase}). */
  public static final String AUDIT_SUBTYPE = "https://fhirflow.io/fhir/CodeSystem/audit-subtype";

  /**
   * AuditEvent.subtype of the API's requests that are not FHIR REST interactions: the per-patient
   * metrics view ({@code metrics}) and a request to no known route ({@code unknown}).
   */
  public static final String API_INTERACTION =
      "https://fhirflow.io/fhir/CodeSystem/api-interaction";

  /**
   * meta.tag system of the tenant a resource belongs to ({@code Tenants}): code = the tenant's
   * name, on every Observation, Patient, Device and erasure AuditEvent the topology writes.
   */
  public static final String TENANT = "https://fhirflow.io/fhir/CodeSystem/tenant";

  private FhirSystems() {}
}
