package io.fhirflow.api.view;

/**
 * A ViewDefinition that cannot run (bad structure, bad FHIRPath) or fails on a resource: answered
 * with 400.
 */
public final class ViewDefinitionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ViewDefinitionException(String message) {
    super(message);
  }

  public ViewDefinitionException(String message, Throwable cause) {
    super(message, cause);
  }
}
