package io.fhirflow.topology.deadletter;

import io.fhirflow.serde.BadRecordException;
import io.fhirflow.serde.CorruptBodyException;

/**
 * The topology's own reason codes, next to the serde's and the catalogue's; all are stable strings
 * written as the {@code dlq.reason} header.
 */
public final class DeadLetterReasons {

  public static final String NULL_KEY = "NULL_KEY";
  public static final String NULL_VALUE = "NULL_VALUE";
  public static final String OVERSIZED = "OVERSIZED";

  /** The serde's code for a body that does not decode ({@link CorruptBodyException}). */
  public static final String CORRUPT_BODY = CorruptBodyException.REASON;

  /**
   * The record key is not the sample's user id: dedupe relies on one user living in one partition.
   */
  public static final String KEY_MISMATCH = "KEY_MISMATCH";

  static final String UNEXPECTED_ERROR = "UNEXPECTED_ERROR";

  /**
   * The sample starts (or has a series point) more than {@code validate.future.margin.ms} after it
   * was ingested.
   */
  public static final String FUTURE_TIME = "FUTURE_TIME";

  /**
   * Its lastModifiedTime lies more than the margin after ingest: it would outrank every real
   * update.
   */
  public static final String FUTURE_LAST_MODIFIED = "FUTURE_LAST_MODIFIED";

  /** The sample's FHIR output would be larger than the producer may send (the contract's code). */
  public static final String OUTPUT_TOO_LARGE =
      io.fhirflow.contracts.DeadLetterReasons.OUTPUT_TOO_LARGE;

  private DeadLetterReasons() {}

  /**
   * The serde's typed reason (NOT_WIRE_FORMAT, UNKNOWN_SCHEMA_ID, CORRUPT_BODY,
   * INCOMPATIBLE_SCHEMA).
   */
  public static String of(BadRecordException e) {
    return e.reasonCode();
  }
}
