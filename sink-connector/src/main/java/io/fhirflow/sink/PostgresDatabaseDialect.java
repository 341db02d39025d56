package io.fhirflow.sink;

import static io.fhirflow.store.StoreColumns.CATEGORY;
import static io.fhirflow.store.StoreColumns.CODES;
import static io.fhirflow.store.StoreColumns.EFFECTIVE_END;
import static io.fhirflow.store.StoreColumns.EFFECTIVE_START;
import static io.fhirflow.store.StoreColumns.ID;
import static io.fhirflow.store.StoreColumns.IDENTIFIERS;
import static io.fhirflow.store.StoreColumns.LAST_UPDATED;
import static io.fhirflow.store.StoreColumns.RESOURCE;
import static io.fhirflow.store.StoreColumns.VERSION_ID;
import static io.fhirflow.store.StoreColumns.WRITTEN_AT;

import io.fhirflow.store.StoreTables;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * All SQL text of the sink, for the store's tables ({@link StoreTables}) of the configured mapping.
 * Values are always bound or streamed, never spliced into SQL; only the store's table names are.
 *
 * <p>The upsert is newer-wins: {@code ON CONFLICT (id) DO UPDATE ... WHERE (excluded.version_id,
 * excluded.last_updated) > (t.version_id, t.last_updated)}. An equal or older version updates
 * nothing, so no new row version is written (xmin and written_at stay): replays are no-ops.
 *
 * <p>An Observation never changes patient: its update also requires {@code t.patient_id =
 * excluded.patient_id} (PatientOwnership), and {@link #patientMismatchesInStage} / {@link
 * #storedPatients} find the rows that condition held back, to be dead-lettered.
 *
 * <p>No row changes tenant either ({@code t.tenant = excluded.tenant}, migration V6): the sink owns
 * the tables, so row-level security does not bind it, and this condition is its own guard. Ids are
 * derived in each tenant's namespace, so two tenants never meet on one id in practice.
 */
public final class PostgresDatabaseDialect {

  /**
   * The columns the sink writes, in the table's order: all of them but written_at, which it sets to
   * now() (and only when a row really changes).
   */
  static final List<String> OBSERVATION_COLUMNS = writtenColumns(StoreTables.OBSERVATION);

  /** Patient and Device have the same columns. */
  static final List<String> IDENTIFIED_COLUMNS = writtenColumns(StoreTables.PATIENT);

  private final Map<ResourceType, String> tables;

  public PostgresDatabaseDialect(Map<ResourceType, String> tables) {
    this.tables = Map.copyOf(tables);
  }

  private static List<String> writtenColumns(String table) {
    return StoreTables.COLUMNS.get(table).stream().filter(c -> !c.equals(WRITTEN_AT)).toList();
  }

  static List<String> columns(ResourceType type) {
    return type == ResourceType.OBSERVATION ? OBSERVATION_COLUMNS : IDENTIFIED_COLUMNS;
  }

  public String table(ResourceType type) {
    return tables.get(type);
  }

  /** Session-local staging table, emptied by every commit. */
  String stageTable(ResourceType type) {
    return "fhirflow_stage_" + type.name().toLowerCase(Locale.ROOT);
  }

  /** The staging table has the target's column types but no constraints, defaults or indexes. */
  String createStage(ResourceType type) {
    return "CREATE TEMP TABLE IF NOT EXISTS "
        + stageTable(type)
        + " ON COMMIT DELETE ROWS AS SELECT "
        + String.join(", ", columns(type))
        + " FROM "
        + table(type)
        + " WITH NO DATA";
  }

  String copyIntoStage(ResourceType type) {
    return "COPY " + stageTable(type) + " (" + String.join(", ", columns(type)) + ") FROM STDIN";
  }

  String upsertFromStage(ResourceType type) {
    return upsertSelecting(type, String.join(", ", columns(type)), stageTable(type));
  }

  /**
   * The newer-wins upsert of a whole batch bound as one array per column ({@link
   * WriteMethod#UNNEST}): {@code unnest} in the select list (a ProjectSet, which streams the arrays
   * in lockstep; {@code FROM unnest(a, b, ...)} would first copy every column into a tuplestore
   * that spills past {@code work_mem}). Every column is bound as {@code text[]} and cast per row as
   * COPY would parse it, except {@code version_id} ({@code bigint[]}); {@code codes}, {@code
   * category} and {@code identifiers} are one array literal per row ({@link ArrayLiteral}), since
   * unnest flattens a two-dimensional array. Parameters in {@link #columns} order.
   */
  String upsertFromArrays(ResourceType type) {
    List<String> cols = columns(type);
    String unnested =
        cols.stream()
            .map(c -> "unnest(?::" + (c.equals(VERSION_ID) ? "bigint" : "text") + "[]) AS " + c)
            .collect(Collectors.joining(", "));
    String typed = cols.stream().map(c -> "s." + c + cast(c)).collect(Collectors.joining(", "));
    return upsertSelecting(type, typed, "(SELECT " + unnested + ")");
  }

  /** INSERT INTO the type's table the rows {@code select} takes from {@code source} (as s). */
  private String upsertSelecting(ResourceType type, String select, String source) {
    // A deleted Observation stays deleted: an older version arriving later is not written.
    String notDeleted =
        type == ResourceType.OBSERVATION
            ? " WHERE NOT EXISTS (SELECT 1 FROM " + deletionRegister() + " d WHERE d.id = s.id)"
            : "";
    return insertInto(type)
        + " SELECT "
        + select
        + " FROM "
        + source
        + " s"
        + notDeleted
        + onConflict(type);
  }

  /** {@code INSERT INTO <table> AS t (<columns>)}: the upserts' head, {@code t} for ON CONFLICT. */
  private String insertInto(ResourceType type) {
    return "INSERT INTO " + table(type) + " AS t (" + String.join(", ", columns(type)) + ")";
  }

  /**
   * Ids among the bound (ids, patient ids, tenants) arrays whose stored Observation belongs to
   * another patient (of this or another tenant), as {@link #patientMismatchesInStage} for a batch
   * written from arrays.
   */
  String patientMismatchesAmong() {
    return "SELECT x.id FROM unnest(?::text[], ?::text[], ?::text[]) AS x(id, patient_id, tenant)"
        + " JOIN "
        + table(ResourceType.OBSERVATION)
        + " t ON t.id = x.id WHERE t.patient_id <> x.patient_id OR t.tenant <> x.tenant";
  }

  /** The register of deleted Observation ids (migration V5). */
  String deletionRegister() {
    return StoreTables.OBSERVATION_DELETED;
  }

  /** Ids among the bound (ids, patient ids) arrays that are stored under another patient. */
  String deletionPatientMismatches() {
    return "SELECT x.id FROM unnest(?::text[], ?::text[]) AS x(id, patient_id) JOIN "
        + table(ResourceType.OBSERVATION)
        + " t ON t.id = x.id WHERE t.patient_id <> x.patient_id";
  }

  /**
   * Registers the bound (ids, patient ids) as deleted, except ids stored under another patient;
   * idempotent.
   */
  String registerDeletions() {
    return "INSERT INTO "
        + deletionRegister()
        + " (id, patient_id, tenant) SELECT x.id, x.patient_id, x.tenant"
        + " FROM unnest(?::text[], ?::text[], ?::text[]) AS x(id, patient_id, tenant)"
        + " WHERE NOT EXISTS (SELECT 1 FROM "
        + table(ResourceType.OBSERVATION)
        + " t WHERE t.id = x.id AND t.patient_id <> x.patient_id)"
        + " ON CONFLICT (id) DO NOTHING";
  }

  /** Removes the rows of the bound (ids, patient ids); a row of another patient is left alone. */
  String deleteObservations() {
    return "DELETE FROM "
        + table(ResourceType.OBSERVATION)
        + " t USING unnest(?::text[], ?::text[])"
        + " AS x(id, patient_id) WHERE t.id = x.id AND t.patient_id = x.patient_id";
  }

  /** Erasure: removes every Observation row of the bound patient ids. */
  String eraseObservations() {
    return "DELETE FROM " + table(ResourceType.OBSERVATION) + " WHERE patient_id = ANY(?::text[])";
  }

  /** Erasure: removes the bound patient ids' entries of the deletion register. */
  String eraseDeletionRegister() {
    return "DELETE FROM " + deletionRegister() + " WHERE patient_id = ANY(?::text[])";
  }

  /** Erasure: removes the rows of the bound ids (Patient, Device). */
  String removeRows(ResourceType type) {
    return "DELETE FROM " + table(type) + " WHERE id = ANY(?::text[])";
  }

  /**
   * Removes rows among the bound ids that are in the register (the BATCHED_INSERT path writes
   * first).
   */
  String deleteRegisteredAmong() {
    return "DELETE FROM "
        + table(ResourceType.OBSERVATION)
        + " t USING "
        + deletionRegister()
        + " d WHERE d.id = t.id AND t.id = ANY(?::text[])";
  }

  /**
   * One row with bound values; pgjdbc's reWriteBatchedInserts turns a batch into multi-row VALUES.
   */
  String upsertValues(ResourceType type) {
    String values =
        columns(type).stream()
            .map(PostgresDatabaseDialect::placeholder)
            .collect(Collectors.joining(", "));
    return insertInto(type) + " VALUES (" + values + ")" + onConflict(type);
  }

  /**
   * Ids of staged Observations whose stored row belongs to another patient (of this or another
   * tenant: a person is a tenant and a user).
   */
  String patientMismatchesInStage() {
    return "SELECT s.id FROM "
        + stageTable(ResourceType.OBSERVATION)
        + " s JOIN "
        + table(ResourceType.OBSERVATION)
        + " t ON t.id = s.id WHERE t.patient_id <> s.patient_id OR t.tenant <> s.tenant";
  }

  /** (id, patient_id, tenant) of the stored Observations among the bound array of ids. */
  String storedPatients() {
    return "SELECT id, patient_id, tenant FROM "
        + table(ResourceType.OBSERVATION)
        + " WHERE id = ANY(?::text[])";
  }

  /** Does the table exist in the connection's search path? (when migrations are off) */
  String tableExists() {
    return "SELECT to_regclass(?) IS NOT NULL";
  }

  private static String placeholder(String column) {
    return switch (column) {
      case CODES, CATEGORY, IDENTIFIERS -> "?::text[]";
      case RESOURCE -> "?::jsonb";
      default -> "?";
    };
  }

  /** The cast from a {@link #upsertFromArrays} element to the column's type. */
  private static String cast(String column) {
    return switch (column) {
      case CODES, CATEGORY, IDENTIFIERS -> "::text[]";
      case EFFECTIVE_START, EFFECTIVE_END, LAST_UPDATED -> "::timestamptz";
      case RESOURCE -> "::jsonb";
      default -> "";
    };
  }

  private static String onConflict(ResourceType type) {
    String set =
        columns(type).stream()
            .filter(c -> !c.equals(ID))
            .map(c -> c + " = excluded." + c)
            .collect(Collectors.joining(", "));
    String samePatient =
        type == ResourceType.OBSERVATION ? " AND t.patient_id = excluded.patient_id" : "";
    return " ON CONFLICT (id) DO UPDATE SET "
        + set
        + ", written_at = now()"
        + " WHERE (excluded.version_id, excluded.last_updated) > (t.version_id, t.last_updated)"
        + " AND t.tenant = excluded.tenant"
        + samePatient;
  }
}
