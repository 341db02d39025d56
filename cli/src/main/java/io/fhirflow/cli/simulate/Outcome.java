package io.fhirflow.cli.simulate;

/**
 * What the simulator meant a record to be, so its summary can be compared with the topology's
 * conservation counters: NEW and LATE become output, DUPLICATE is dropped, UPDATE re-emits with a
 * higher version, every BAD_* ends in the dead-letter topic.
 */
public enum Outcome {
  NEW("new"),
  LATE("late"),
  DUPLICATE("duplicate"),
  UPDATE("update"),
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

  public boolean isBad() {
    return name().startsWith("BAD_");
  }
}
