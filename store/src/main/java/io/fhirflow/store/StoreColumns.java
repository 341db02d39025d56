package io.fhirflow.store;

/**
 * The names of the store's columns (migrations V1, V5, V6), the one place Java code spells them.
 * Which table has which is {@link StoreTables#COLUMNS}.
 */
public final class StoreColumns {

  /** Logical id, without the type prefix; the primary key of every table. */
  public static final String ID = "id";

  /** An Observation's patient: the logical id of subject.reference, = fhir_patient.id. */
  public static final String PATIENT_ID = "patient_id";

  /** An Observation's primary coding as "system|code". */
  public static final String CODE = "code";

  /** Every coding of an Observation's code as "system|code" (text[]). */
  public static final String CODES = "codes";

  /** Every coding of an Observation's categories as "system|code" (text[]). */
  public static final String CATEGORY = "category";

  /** effectiveDateTime, or effectivePeriod.start (timestamptz). */
  public static final String EFFECTIVE_START = "effective_start";

  /** effectivePeriod.end, = start for an instant (timestamptz). */
  public static final String EFFECTIVE_END = "effective_end";

  /** A Patient's or Device's identifiers as "system|value" (text[]). */
  public static final String IDENTIFIERS = "identifiers";

  /** meta.lastUpdated (timestamptz); with the version, decides which write is newer. */
  public static final String LAST_UPDATED = "last_updated";

  /** meta.versionId, the source record's version (bigint). */
  public static final String VERSION_ID = "version_id";

  /** The FHIR resource (jsonb). */
  public static final String RESOURCE = "resource";

  /** When the sink last wrote the row (timestamptz, default now()). */
  public static final String WRITTEN_AT = "written_at";

  /** The row's tenant (V6); row-level security confines readers to theirs. */
  public static final String TENANT = "tenant";

  /** When the sink applied a deletion (the deletion register only). */
  public static final String DELETED_AT = "deleted_at";

  private StoreColumns() {}
}
