package io.fhirflow.cli.simulate;

/**
 * What the simulator meant a record to be, so its summary can be compared with the topology's
 * conservation counters: NEW and LATE become output, DUPLICATE is dropped, UPDATE re-emits with a
 * higher version, every BAD_* ends in the dead-letter topic, and the three deletion outcomes are
 * counted as deleted (a deletion of a sent record, a deletion sent before its original, and that
 * original arriving after it, which must stay deleted).
 */
public enum Outcome {
  NEW("new"),
  LATE("late"),
  DUPLICATE("duplicate"),
  UPDATE("update"),
  DELETION("deletion"),
  DELETION_EARLY("deletion before its original"),
  AFTER_DELETION("original after its deletion"),
  BAD_NOT_WIRE_FORMAT("bad: not wire format"),
  BAD_UNKNOWN_SCHEMA_ID("bad: unknown schema id"),
  BAD_NAN_VALUE("bad: NaN value"),
  BAD_END_BEFORE_START("bad: end before start"),
  BAD_UNKNOWN_TYPE("bad: unknown type");

  private final String label;

  Outcome(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** Counted as deleted by the topology. */
  public boolean isDeletion() {
    return this == DELETION || this == DELETION_EARLY || this == AFTER_DELETION;
  }

  public boolean isBad() {
    return name().startsWith("BAD_");
  }
}
