package io.fhirflow.applehealth;

import java.io.IOException;

/**
 * The file is readable but is not an Apple Health export (for example the {@code export_cda.xml}
 * that sits next to {@code export.xml}): a user mistake, answered with one line, not a stack trace.
 */
public final class NotAnExportException extends IOException {

  NotAnExportException(String message) {
    super(message);
  }

  /** The message says everything; no stack trace is ever shown for it. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
