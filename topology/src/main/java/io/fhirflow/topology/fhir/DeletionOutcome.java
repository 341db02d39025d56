package io.fhirflow.topology.fhir;

import java.util.Locale;

/**
 * What became of a raw record that met a deletion: the {@code outcome} of {@code
 * fhirflow_samples_deleted_total}.
 */
public enum DeletionOutcome {
  /** A deletion of a known record: every resource derived from it was retracted. */
  REMOVED,
  /**
   * A deletion of a record never seen (or seen before this store existed): remembered, so a late
   * original stays deleted.
   */
  UNKNOWN,
  /** A deletion of a record already deleted: nothing to do. */
  ALREADY_DELETED,
  /**
   * A version of a record that was deleted before it arrived: dropped, it must not resurrect the
   * record.
   */
  LATE_VERSION;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
