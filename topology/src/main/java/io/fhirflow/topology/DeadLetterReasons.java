package io.fhirflow.topology;

import io.fhirflow.serde.BadRecordException;

/**
 * The topology's own reason codes, next to the serde's and the catalogue's; all are stable strings
 * written as the {@code dlq.reason} header.
 */
final class DeadLetterReasons {

  static final String NULL_KEY = "NULL_KEY";
  static final String NULL_VALUE = "NULL_VALUE";
  static final String OVERSIZED = "OVERSIZED";
  static final String CORRUPT_BODY = "CORRUPT_BODY";

  /**
   * The record key is not the sample's user id: dedupe relies on one user living in one partition.
   */
  static final String KEY_MISMATCH = "KEY_MISMATCH";

  static final String UNEXPECTED_ERROR = "UNEXPECTED_ERROR";

  /**
   * The sample starts (or has a series point) more than {@code validate.future.margin.ms} after it
   * was ingested.
   */
  static final String FUTURE_TIME = "FUTURE_TIME";

  /**
   * Its lastModifiedTime lies more than the margin after ingest: it would outrank every real
   * update.
   */
  static final String FUTURE_LAST_MODIFIED = "FUTURE_LAST_MODIFIED";

  /** The sample's FHIR output would be larger than the producer may send (the contract's code). */
  static final String OUTPUT_TOO_LARGE = io.fhirflow.contracts.DeadLetterReasons.OUTPUT_TOO_LARGE;

  private DeadLetterReasons() {}

  /**
   * The serde's typed reason (NOT_WIRE_FORMAT, UNKNOWN_SCHEMA_ID, CORRUPT_BODY,
   * INCOMPATIBLE_SCHEMA).
   */
  static String of(BadRecordException e) {
    return e.reasonCode();
  }
}
