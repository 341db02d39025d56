package io.fhirflow.sink;

/** How a batch reaches the upsert; each ends in one newer-wins statement per resource type. */
public enum WriteMethod {
  /**
   * One INSERT ... SELECT ... ON CONFLICT over the batch bound as one array per column (binary
   * {@code text[]}) and unnested: no staging table (the default).
   */
  UNNEST,
  /** COPY (text format) into a temporary staging table, then INSERT ... SELECT ... ON CONFLICT. */
  COPY,
  /**
   * A JDBC batch of single-row INSERT ... ON CONFLICT, rewritten by pgjdbc into multi-row
   * statements.
   */
  BATCHED_INSERT
}
