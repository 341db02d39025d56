package io.fhirflow.topology;

/**
 * What one sample version added to one local-day aggregate of one metric: kept with the version
 * in the dedupe store so an update can take the old contribution back out of the day's total
 * instead of counting the record twice.
 */
public record DayContribution(String metric, long epochDay, double sum, long count) {}
