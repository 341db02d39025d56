package io.fhirflow.sink;

import io.fhirflow.contracts.PatientOwnership;

/**
 * Why a record can never be written. The {@link #code()} is stable: it goes into the dead-letter
 * header {@code dlq.reason} and into logs, which never carry the record itself.
 */
public enum RejectReason {
  NULL_VALUE("value is null (tombstones/deletes are not supported)"),
  UNSUPPORTED_VALUE_TYPE(
      "value is neither bytes nor a string; use ByteArrayConverter or StringConverter"),
  NOT_JSON("value is not a single JSON document"),
  NOT_FHIR("value is not a FHIR resource (no JSON object with resourceType)"),
  UNKNOWN_RESOURCE_TYPE("resourceType has no table mapping"),
  MISSING_ID("resource has no id"),
  ID_TOO_LONG("resource id is longer than 64 characters"),
  INVALID_ID("resource id is not a FHIR id [A-Za-z0-9-.]"),
  MISSING_LAST_UPDATED("meta.lastUpdated is missing (required on Observations)"),
  INVALID_VERSION_ID("meta.versionId is not a non-negative integer"),
  INVALID_DATE("a date/time field is not a FHIR instant or dateTime"),
  MISSING_SUBJECT("Observation has no subject reference to a Patient"),
  MISSING_CODE("Observation has no code.coding with system and code"),
  NUL_CHARACTER("value contains a \\u0000 escape, which PostgreSQL jsonb cannot store"),
  DATABASE_REJECTED("PostgreSQL rejected the row with a data error"),
  INVALID_TENANT("the fhirflow.tenant header is not a tenant name (docs/tenants.md)"),
  PATIENT_MISMATCH(
      PatientOwnership.MISMATCH_REASON,
      "an Observation with this id is stored (or held in this batch) for another patient");

  private final String code;
  private final String description;

  RejectReason(String description) {
    this.code = name();
    this.description = description;
  }

  /** A reason whose code is a cross-process contract, spelled in io.fhirflow.contracts. */
  RejectReason(String code, String description) {
    this.code = code;
    this.description = description;
  }

  /** Stable machine-readable code, e.g. {@code MISSING_SUBJECT}. */
  public String code() {
    return code;
  }

  /** A short human explanation; never contains record content. */
  public String description() {
    return description;
  }
}
