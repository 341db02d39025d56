package io.fhirflow.mapping;

import java.util.List;
import java.util.Optional;

/**
 * A sample mapped to FHIR R4.
 *
 * @param observations one or more Observations (a Health Connect series gives one per sample, a
 *     nutrition record one per nutrient, a sleep session one per stage plus the session); never
 *     empty
 * @param patient the Patient the observations point at; the same bytes for every sample of one user
 * @param device the measuring Device when the sample names one
 * @param metrics values for the Redis metrics branch; empty for types without a metric
 */
public record Mapped(
    List<FhirResource> observations,
    FhirResource patient,
    Optional<FhirResource> device,
    List<MetricPoint> metrics)
    implements MappingOutcome {
  public Mapped {
    observations = List.copyOf(observations);
    metrics = List.copyOf(metrics);
  }
}
