package io.fhirflow.mapping;

/**
 * Closed set of reasons a sample is rejected; {@link #code()} is the stable string for dead-letter
 * headers.
 */
public enum RejectReason {
  /**
   * The platform type (or a workout statistic / correlation member type) has no catalogue entry.
   */
  UNKNOWN_TYPE,
  /**
   * The type is known (listed in the catalogue as unsupported, e.g. ECG waveforms) but not mapped.
   */
  UNSUPPORTED_TYPE,
  /** The sample's unit is not one the catalogue entry accepts. */
  UNCONVERTIBLE_UNIT,
  /** A value is NaN or infinite. */
  NOT_FINITE,
  /** The end instant lies before the start instant. */
  END_BEFORE_START,
  /** A value (after unit conversion) is outside the entry's physically possible range. */
  OUT_OF_RANGE,
  /** The user id or the platform record id is missing or blank. */
  MISSING_ID,
  /**
   * A text field holds U+0000 or an unpaired surrogate, which the store cannot hold
   * (StorableSample).
   */
  INVALID_TEXT,
  /**
   * The body does not fit the entry's value kind (wrong body record, missing field, empty series,
   * unknown enum value).
   */
  INVALID_SHAPE;

  /** Stable reason code, e.g. {@code OUT_OF_RANGE}. */
  public String code() {
    return name();
  }
}
