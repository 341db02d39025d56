package io.fhirflow.mapping;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * What a summary says, computed from the current contributions of its period.
 *
 * @param sum the exact decimal sum of the values
 * @param count how many values
 * @param min the smallest value
 * @param max the largest value
 * @param start where the period starts: the earliest start among the contributions' zones
 * @param end where it ends: the latest end among them
 * @param derivedFrom source Observation ids, at most {@link SummaryObservations#DERIVED_FROM_MAX},
 *     smallest first
 */
public record SummaryFigures(
    BigDecimal sum,
    long count,
    double min,
    double max,
    OffsetDateTime start,
    OffsetDateTime end,
    List<String> derivedFrom) {
  public SummaryFigures {
    derivedFrom = List.copyOf(derivedFrom);
  }
}
