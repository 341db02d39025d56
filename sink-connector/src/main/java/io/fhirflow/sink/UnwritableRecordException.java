package io.fhirflow.sink;

import org.apache.kafka.connect.errors.DataException;

/**
 * A record that can never be written, whatever the retries: it is dead-lettered with its {@link
 * RejectReason}. The message is the reason code and description only, never record content, because
 * Connect copies it into the {@code __connect.errors.exception.message} header and its log.
 */
public final class UnwritableRecordException extends DataException {

  private final RejectReason reason;

  public UnwritableRecordException(RejectReason reason) {
    super(reason.code() + ": " + reason.description());
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }

  /** No stack trace: the reason says everything, and DLQ headers stay small. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
