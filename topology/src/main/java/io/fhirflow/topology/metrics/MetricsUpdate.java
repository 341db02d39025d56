package io.fhirflow.topology.metrics;

import io.fhirflow.mapping.MetricPoint;
import java.util.List;

/**
 * The metric points of one mapped sample, grouped by metric and local day ({@code parts}), and what
 * its previous version contributed (to retract), for a patient of {@code tenant}.
 */
public record MetricsUpdate(
    String tenant,
    String patientId,
    List<MetricPoint> points,
    List<DayAggregates.Part> parts,
    List<DayContribution> retract) {}
