package io.fhirflow.mapping;

import java.time.Instant;
import java.time.ZoneId;

/**
 * One value for the metrics branch, already in the catalogue's UCUM unit.
 *
 * @param metric stable metric name from the catalogue, e.g. {@code heart_rate}
 * @param kind how it aggregates
 * @param value the converted value
 * @param unit UCUM code of {@code value}
 * @param time when it was measured (start of an interval)
 * @param zone the measurement's zone (IANA zone if the sample had one, else its offset, else UTC)
 *     for local-day arithmetic
 * @param observationId the id of the Observation that carries the value (a summary's derivedFrom)
 */
public record MetricPoint(
    String metric,
    MetricKind kind,
    double value,
    String unit,
    Instant time,
    ZoneId zone,
    String observationId) {}
