package io.fhirflow.serde;

/**
 * Confluent's wire format: magic byte 0, the writer schema's registry id as a 4-byte big-endian
 * int, then the Avro binary body.
 */
public final class WireFormat {

  public static final byte MAGIC_BYTE = 0;
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  static int schemaId(byte[] bytes, int offset) {
    return ((bytes[offset + 1] & 0xff) << 24)
        | ((bytes[offset + 2] & 0xff) << 16)
        | ((bytes[offset + 3] & 0xff) << 8)
        | (bytes[offset + 4] & 0xff);
  }

  static void writeHeader(java.io.OutputStream out, int schemaId) throws java.io.IOException {
    out.write(MAGIC_BYTE);
    out.write(schemaId >>> 24);
    out.write(schemaId >>> 16);
    out.write(schemaId >>> 8);
    out.write(schemaId);
  }
}
