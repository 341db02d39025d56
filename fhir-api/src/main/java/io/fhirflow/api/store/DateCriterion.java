package io.fhirflow.api.store;

import java.time.Instant;

/**
 * One FHIR date comparison against an Observation's effective time, which is the period
 * [effective_start, effective_end] (end = start for an instant). The search value is itself a range
 * [{@code from}, {@code to}) given by its precision: {@code 2026-01-05} is the whole day.
 */
public record DateCriterion(Comparator comparator, Instant from, Instant to) {

  /** The prefixes this server implements (FHIR R4 search, section 3.1.1.4.6). */
  public enum Comparator {
    /** The period lies within the value's range. */
    EQ,
    /** The period reaches the value's range or later. */
    GE,
    /** The period reaches past the value's range. */
    GT,
    /** The period starts before the end of the value's range. */
    LE,
    /** The period starts before the value's range. */
    LT
  }

  Sql toSql() {
    String end = "coalesce(effective_end, effective_start)";
    return switch (comparator) {
      case EQ -> new Sql().append("(effective_start >= ? AND " + end + " < ?)", ts(from), ts(to));
      case GE -> new Sql().append(end + " >= ?", ts(from));
      case GT -> new Sql().append(end + " >= ?", ts(to));
      case LE -> new Sql().append("effective_start < ?", ts(to));
      case LT -> new Sql().append("effective_start < ?", ts(from));
    };
  }

  /**
   * A condition on effective_start alone that every matching row also meets (start <= end), or null
   * when the comparison bounds only the end: it lets the (patient_id, effective_start) index start
   * its walk at the value instead of at the patient's newest row.
   */
  Sql startBound() {
    return switch (comparator) {
      case EQ ->
          new Sql().append("(effective_start >= ? AND effective_start < ?)", ts(from), ts(to));
      case LE -> new Sql().append("effective_start < ?", ts(to));
      case LT -> new Sql().append("effective_start < ?", ts(from));
      case GE, GT -> null;
    };
  }

  private static java.time.OffsetDateTime ts(Instant i) {
    return i.atOffset(java.time.ZoneOffset.UTC);
  }
}
