package io.fhirflow.sink;

import io.fhirflow.contracts.Tenants;
import java.time.Instant;
import java.util.List;

/**
 * One FHIR resource ready to be written: its search columns and its JSON text.
 *
 * <p>Observation-only columns ({@code patientId}, {@code code}, {@code codes}, {@code category},
 * {@code effectiveStart}, {@code effectiveEnd}) are null for Patient and Device; {@code
 * identifiers} is null for Observation. Instants are truncated to microseconds, the precision of
 * PostgreSQL's timestamptz, so "newer" means the same in Java and in SQL.
 *
 * <p>{@code tenant} is the tenant the record named ({@code fhirflow.tenant} header; the default
 * tenant when absent), stored in the row's {@code tenant} column (docs/tenants.md).
 *
 * <p>A <b>deletion</b> ({@link #deletion}) has only type, id and patient id, and a null {@code
 * json}: the resource is gone. It is final: it wins over any version, before or after it.
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
    String json,
    String tenant) {

  /**
   * The default tenant's row of a Patient or Device: no Observation columns; {@code identifiers}
   * null when it has none.
   */
  public static ResourceRow identified(
      ResourceType type,
      String id,
      Instant lastUpdated,
      long versionId,
      List<String> identifiers,
      String json) {
    return new ResourceRow(
        type,
        id,
        null,
        null,
        null,
        null,
        null,
        null,
        lastUpdated,
        versionId,
        identifiers,
        json,
        Tenants.DEFAULT);
  }

  /** The default tenant's row of a deleted resource. */
  public static ResourceRow deletion(ResourceType type, String id, String patientId) {
    return deletion(Tenants.DEFAULT, type, id, patientId);
  }

  /** The row of a deleted resource. */
  public static ResourceRow deletion(
      String tenant, ResourceType type, String id, String patientId) {
    return new ResourceRow(
        type, id, patientId, null, null, null, null, null, null, 0, null, null, tenant);
  }

  /** This row, of {@code tenant}. */
  public ResourceRow withTenant(String tenant) {
    return tenant.equals(this.tenant)
        ? this
        : new ResourceRow(
            type,
            id,
            patientId,
            code,
            codes,
            category,
            effectiveStart,
            effectiveEnd,
            lastUpdated,
            versionId,
            identifiers,
            json,
            tenant);
  }

  public boolean isDeletion() {
    return json == null;
  }

  /**
   * True when this row must replace {@code other}: a deletion, else a higher (versionId,
   * lastUpdated) unless other is one.
   */
  public boolean isNewerThan(ResourceRow other) {
    if (isDeletion() || other.isDeletion()) {
      return isDeletion() && !other.isDeletion();
    }
    if (versionId != other.versionId) {
      return versionId > other.versionId;
    }
    return lastUpdated.isAfter(other.lastUpdated);
  }
}
