package io.fhirflow.serde;

import org.apache.kafka.common.KafkaException;

/**
 * The schema registry could not answer: unreachable, timed out, refused the credentials, or
 * returned an error. This is an infrastructure failure, not a bad record, so it is deliberately not
 * a {@link BadRecordException}: retry or fail, never dead-letter.
 *
 * <p>{@link #status()} is the HTTP status (-1 when no answer arrived) and {@link #errorCode()} the
 * registry's {@code error_code} (e.g. 40403 schema not found), or -1.
 */
public class SchemaRegistryException extends KafkaException {

  /** Confluent's error codes that the serde reacts to. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  public static final int VERSION_NOT_FOUND = 40402;
  public static final int SCHEMA_NOT_FOUND = 40403;
  public static final int INCOMPATIBLE_SCHEMA = 409;
  public static final int INVALID_SCHEMA = 42201;

  private final int status;
  private final int errorCode;

  public SchemaRegistryException(String message, int status, int errorCode) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }

  public SchemaRegistryException(String message, Throwable cause) {
    super(message, cause);
    this.status = -1;
    this.errorCode = -1;
  }

  public int status() {
    return status;
  }

  public int errorCode() {
    return errorCode;
  }

  /**
   * True when the registry answered that the subject, version or schema does not exist (404 with
   * error code 40401, 40402 or 40403). A bare 404 (a wrong base URL, a proxy) is not: that is a
   * misconfiguration, and treating it as "unknown schema" would dead-letter every record.
   */
  public boolean isNotFound() {
    return status == 404
        && (errorCode == SUBJECT_NOT_FOUND
            || errorCode == VERSION_NOT_FOUND
            || errorCode == SCHEMA_NOT_FOUND);
  }
}
