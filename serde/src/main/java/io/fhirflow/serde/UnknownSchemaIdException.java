package io.fhirflow.serde;

/** The record's schema id is not known to the schema registry. */
public final class UnknownSchemaIdException extends BadRecordException {

  public static final String REASON = "UNKNOWN_SCHEMA_ID";

  private final int schemaId;

  public UnknownSchemaIdException(String topic, int schemaId) {
    super(topic, REASON, "schema id " + schemaId + " is not known to the schema registry");
    this.schemaId = schemaId;
  }

  public int schemaId() {
    return schemaId;
  }
}
