package io.fhirflow.serde;

/**
 * The header is valid but the Avro body does not decode with its writer schema: truncated, garbage,
 * or trailing bytes. The Avro exception is deliberately not chained, because its message can quote
 * decoded lengths or values; only its class name is kept.
 */
public final class CorruptBodyException extends BadRecordException {

  public static final String REASON = "CORRUPT_BODY";

  private final int schemaId;

  public CorruptBodyException(String topic, int schemaId, String problem) {
    super(
        topic,
        REASON,
        "Avro body written with schema id " + schemaId + " does not decode: " + problem);
    this.schemaId = schemaId;
  }

  public int schemaId() {
    return schemaId;
  }
}
