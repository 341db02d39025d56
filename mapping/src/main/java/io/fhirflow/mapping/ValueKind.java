package io.fhirflow.mapping;

import java.util.Locale;

/**
 * The shape of a catalogue entry's value: which Java mapper turns the sample body into
 * Observations. Shapes that branch (series, correlations, sleep) live in Java; everything that is a
 * code, unit or range lives in the catalogue.
 */
public enum ValueKind {
  /** HealthKit quantity sample: one valueQuantity. */
  QUANTITY,
  /** HealthKit category sample: valueCodeableConcept from the entry's value set. */
  CATEGORY,
  /** HealthKit sleep analysis sample: stage duration in minutes, coded by stage. */
  SLEEP_STAGE,
  /**
   * Blood pressure panel 85354-9 with systolic/diastolic components (HealthKit correlation or
   * Health Connect record).
   */
  BLOOD_PRESSURE,
  /** HealthKit food correlation: panel 80453-4 whose members are the nutrient Observations. */
  FOOD,
  /** HealthKit workout: exercise activity 73985-4 with duration and totals as components. */
  WORKOUT,
  /** Health Connect record field holding one value: one valueQuantity. */
  MEASUREMENT,
  /** Health Connect series record: one Observation per sample. */
  SERIES,
  /** Health Connect sleep session: a session Observation plus one per stage. */
  SLEEP_SESSION,
  /** Health Connect exercise session: exercise activity 73985-4 with the exercise type. */
  EXERCISE_SESSION,
  /** Health Connect integer-coded field: valueCodeableConcept. */
  CODED,
  /** Health Connect record without a value (the event itself is the observation). */
  EVENT,
  /**
   * A type the platform has but fhirflow does not map yet; listed so the support table shows it and
   * samples get a clear reason.
   */
  UNSUPPORTED;

  static ValueKind parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }

  /**
   * Whether the entry's value comes from an enumeration in codes.tsv named by its value_set column.
   */
  boolean needsValueSet() {
    return this == CATEGORY || this == SLEEP_STAGE || this == EXERCISE_SESSION;
  }

  /** Whether the entry carries a unit and range (a quantity in some form). */
  boolean hasQuantity() {
    return switch (this) {
      case QUANTITY, MEASUREMENT, SERIES, BLOOD_PRESSURE, SLEEP_STAGE, SLEEP_SESSION -> true;
      default -> false;
    };
  }
}
