package io.fhirflow.api.bulk;

/**
 * A bulk request the server refuses, with the HTTP status and a message safe to show (no values).
 */
public final class BulkRequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  public BulkRequestException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  /** The OperationOutcome issue code (invalid, forbidden, not-found, throttled, ...). */
  public String code() {
    return code;
  }
}
