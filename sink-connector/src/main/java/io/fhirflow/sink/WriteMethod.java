package io.fhirflow.sink;

/** How a batch reaches the staging step of the upsert; both end in one newer-wins statement. */
public enum WriteMethod {
  /** COPY (text format) into a temporary staging table, then INSERT ... SELECT ... ON CONFLICT. */
  COPY,
  /**
   * A JDBC batch of single-row INSERT ... ON CONFLICT, rewritten by pgjdbc into multi-row
   * statements.
   */
  BATCHED_INSERT
}
