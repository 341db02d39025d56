package io.fhirflow.sink;

import java.time.Instant;
import java.util.List;

/**
 * One FHIR resource ready to be written: its search columns and its JSON text.
 *
 * <p>Observation-only columns ({@code patientId}, {@code code}, {@code codes}, {@code category},
 * {@code effectiveStart}, {@code effectiveEnd}) are null for Patient and Device;
 * {@code identifiers} is null for Observation. Instants are truncated to microseconds, the
 * precision of PostgreSQL's timestamptz, so "newer" means the same in Java and in SQL.
 */
public record ResourceRow(
    ResourceType type,
    String id,
    String patientId,
    String code,
    List<String> codes,
    List<String> category,
    Instant effectiveStart,
    Instant effectiveEnd,
    Instant lastUpdated,
    long versionId,
    List<String> identifiers,
    String json) {

  /** True when this row must replace {@code other}: a higher (versionId, lastUpdated). */
  public boolean isNewerThan(ResourceRow other) {
    if (versionId != other.versionId) {
      return versionId > other.versionId;
    }
    return lastUpdated.isAfter(other.lastUpdated);
  }
}
