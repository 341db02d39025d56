package io.fhirflow.store;

import static io.fhirflow.store.StoreColumns.CATEGORY;
import static io.fhirflow.store.StoreColumns.CODE;
import static io.fhirflow.store.StoreColumns.CODES;
import static io.fhirflow.store.StoreColumns.DELETED_AT;
import static io.fhirflow.store.StoreColumns.EFFECTIVE_END;
import static io.fhirflow.store.StoreColumns.EFFECTIVE_START;
import static io.fhirflow.store.StoreColumns.ID;
import static io.fhirflow.store.StoreColumns.IDENTIFIERS;
import static io.fhirflow.store.StoreColumns.LAST_UPDATED;
import static io.fhirflow.store.StoreColumns.PATIENT_ID;
import static io.fhirflow.store.StoreColumns.RESOURCE;
import static io.fhirflow.store.StoreColumns.TENANT;
import static io.fhirflow.store.StoreColumns.VERSION_ID;
import static io.fhirflow.store.StoreColumns.WRITTEN_AT;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names of the tables the migrations ({@link StoreMigrations}) create, the one place Java code
 * spells them: the sink writes them, the API, the views and the benchmarks read them. Compile-time
 * constants, so SQL stays one readable concatenation ({@code "SELECT ... FROM " + OBSERVATION}).
 * StoreSchemaIT holds them, and {@link #COLUMNS}, against the migrated schema.
 */
public final class StoreTables {

  /** One row per stored Observation (V1; tenant from V6). */
  public static final String OBSERVATION = "fhir_observation";

  /** One row per stored Patient. */
  public static final String PATIENT = "fhir_patient";

  /** One row per stored Device. */
  public static final String DEVICE = "fhir_device";

  /** The register of deleted Observation ids (V5): the API answers 410 Gone for them. */
  public static final String OBSERVATION_DELETED = "fhir_observation_deleted";

  /** Every table's columns, in the order the migrations leave them (table order too). */
  public static final Map<String, List<String>> COLUMNS = columns();

  private StoreTables() {}

  private static Map<String, List<String>> columns() {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    tables.put(
        OBSERVATION,
        List.of(
            ID,
            PATIENT_ID,
            CODE,
            CODES,
            CATEGORY,
            EFFECTIVE_START,
            EFFECTIVE_END,
            LAST_UPDATED,
            VERSION_ID,
            RESOURCE,
            WRITTEN_AT,
            TENANT));
    List<String> identified =
        List.of(ID, IDENTIFIERS, LAST_UPDATED, VERSION_ID, RESOURCE, WRITTEN_AT, TENANT);
    tables.put(PATIENT, identified);
    tables.put(DEVICE, identified);
    tables.put(OBSERVATION_DELETED, List.of(ID, PATIENT_ID, DELETED_AT, TENANT));
    return Collections.unmodifiableMap(tables);
  }
}
