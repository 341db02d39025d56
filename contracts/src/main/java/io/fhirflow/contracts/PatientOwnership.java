package io.fhirflow.contracts;

/**
 * A stored resource belongs to one patient for good. The topology derives every Observation and
 * Device id from the owner (user id) as well as the record, and the sink writes an Observation only
 * over a row of the same {@code patient_id}: a record that would move a row to another patient is
 * dead-lettered with {@link #MISMATCH_REASON} as its {@code dlq.reason} (docs/contracts.md).
 */
public final class PatientOwnership {

  /** The {@code dlq.reason} of a record whose id is already stored under another patient. */
  public static final String MISMATCH_REASON = "PATIENT_MISMATCH";

  private PatientOwnership() {}
}
