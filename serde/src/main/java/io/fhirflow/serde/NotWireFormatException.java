package io.fhirflow.serde;

/** The bytes do not start with the Confluent header: magic byte 0 and a 4-byte schema id. */
public final class NotWireFormatException extends BadRecordException {

  public static final String REASON = "NOT_WIRE_FORMAT";

  public NotWireFormatException(String topic, String problem) {
    super(topic, REASON, "record is not in the Confluent wire format: " + problem);
  }
}
