package io.fhirflow.views;

/**
 * A ViewDefinition (or a part of one) that cannot be turned into PostgreSQL: the message names what
 * and why, and what would work instead. It never holds resource data.
 */
public final class UnsupportedViewException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public UnsupportedViewException(String message) {
    super(message);
  }
}
