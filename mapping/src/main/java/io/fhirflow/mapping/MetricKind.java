package io.fhirflow.mapping;

/** How the Redis branch aggregates a metric per local day. */
public enum MetricKind {
  /** Summed per day: steps, energy, distance. */
  CUMULATIVE,
  /** Min, max and average per day: heart rate, SpO2. */
  RATE,
  /** Only the latest value matters: weight, height. */
  LATEST,
  /**
   * Minutes of one interval (a sleep stage, metric {@code sleep:<stage LOINC>}): for the summaries
   * only, not in the Redis view (docs/summaries.md).
   */
  DURATION
}
