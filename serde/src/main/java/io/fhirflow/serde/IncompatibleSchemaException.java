package io.fhirflow.serde;

/**
 * Reader and writer schemas do not fit: on read, the writer schema cannot be resolved to the
 * reader's generated class; on write, the registry rejects the record's schema for the subject
 * (HTTP 409), or the schema is not registered and auto-registration is off.
 */
public final class IncompatibleSchemaException extends BadRecordException {

  public static final String REASON = "INCOMPATIBLE_SCHEMA";

  public IncompatibleSchemaException(String topic, String problem) {
    super(topic, REASON, problem);
  }
}
