package io.fhirflow.mapping;

import java.util.List;
import java.util.Set;

/**
 * One row of summaries.tsv: a summary the topology keeps per patient and period.
 *
 * @param measure the stable name, part of the summary's id and identifier ({@code steps-day})
 * @param metrics the metric names whose values it aggregates ({@link MetricPoint#metric})
 * @param aggregate what {@code valueQuantity} holds: a sum, a mean, or nothing but components
 * @param components the statistics written as components, in this order
 * @param decimals digits kept after the point when a figure is written (half-even)
 * @param category the observation-category code, or null
 */
public record SummaryDefinition(
    String measure,
    SummaryPeriod period,
    Set<String> metrics,
    Aggregate aggregate,
    List<SummaryStatistic> components,
    String loinc,
    String loincDisplay,
    String alsoLoinc,
    String alsoLoincDisplay,
    String name,
    String ucum,
    String unit,
    int decimals,
    String category) {

  /** What a summary's value is. */
  public enum Aggregate {
    /** The sum of the values (steps, energy, minutes asleep). */
    SUM,
    /** The mean of the values (resting heart rate). */
    MEAN,
    /** No value: the components say it all (heart rate min/max/mean/count). */
    STATS
  }

  public SummaryDefinition {
    metrics = Set.copyOf(metrics);
    components = List.copyOf(components);
  }
}
