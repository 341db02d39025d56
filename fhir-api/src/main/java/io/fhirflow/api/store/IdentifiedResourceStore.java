package io.fhirflow.api.store;

import io.fhirflow.store.StoreTables;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads {@code fhir_patient} and {@code fhir_device}: read by id and search by identifier, paged by
 * id, each optionally confined to one patient. A Patient belongs to itself; a Device to the patient
 * it names in {@code Device.patient} or whose Observations reference it.
 */
public final class IdentifiedResourceStore {

  private static final String COLUMNS = StoredResource.IDENTIFIED_COLUMNS;

  /** The two tables and how each is confined to a patient. */
  public enum Table {
    PATIENT(StoreTables.PATIENT, "r.id = ?"),
    DEVICE(
        StoreTables.DEVICE,
        "(r.resource #>> '{patient,reference}' = 'Patient/' || ?"
            + " OR EXISTS (SELECT 1 FROM "
            + StoreTables.OBSERVATION
            + " o WHERE o.patient_id = ?"
            + " AND o.resource #>> '{device,reference}' = 'Device/' || r.id))");

    private final String name;
    private final String confinement;

    Table(String name, String confinement) {
      this.name = name;
      this.confinement = confinement;
    }

    private Sql confine(String patient) {
      Object[] params = this == PATIENT ? new Object[] {patient} : new Object[] {patient, patient};
      return new Sql().append(confinement, params);
    }
  }

  private final DataSource dataSource;
  private final Table table;

  public IdentifiedResourceStore(DataSource dataSource, Table table) {
    this.dataSource = dataSource;
    this.table = table;
  }

  public Optional<StoredResource> read(String id, Optional<String> patient) {
    Sql sql =
        new Sql().append("SELECT " + COLUMNS + " FROM " + table.name + " r WHERE r.id = ?", id);
    patient.ifPresent(p -> sql.append(" AND ").append(table.confine(p)));
    List<StoredResource> rows = query(sql);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /**
   * Rows matching every identifier group (each group ORed), ordered by id, after {@code afterId}.
   */
  public Page search(
      List<List<TokenCriterion>> identifiers,
      Optional<String> patient,
      int count,
      Optional<String> afterId) {
    Sql sql = new Sql().append("SELECT " + COLUMNS + " FROM " + table.name + " r WHERE TRUE");
    for (List<TokenCriterion> anyOf : identifiers) {
      sql.append(" AND ").append(TokenCriterion.matchAny("r.identifiers", anyOf));
    }
    patient.ifPresent(p -> sql.append(" AND ").append(table.confine(p)));
    afterId.ifPresent(id -> sql.append(" AND r.id > ?", id));
    sql.append(" ORDER BY r.id LIMIT ?", count + 1);
    List<StoredResource> rows = query(sql);
    if (rows.size() <= count) {
      return new Page(rows, Optional.empty());
    }
    List<StoredResource> page = List.copyOf(rows.subList(0, count));
    return new Page(page, Optional.of(new PageKey(null, page.get(count - 1).id())));
  }

  private List<StoredResource> query(Sql sql) {
    return TenantQuery.read(dataSource, sql, rows -> StoredResource.readAll(rows, false));
  }
}
