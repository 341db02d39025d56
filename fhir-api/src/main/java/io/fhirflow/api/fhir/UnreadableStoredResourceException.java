package io.fhirflow.api.fhir;

/**
 * A stored row that is not a readable resource of its table's type (the sink only stores validated
 * resources, so this is corruption or a foreign writer): a server fault, answered 500 and logged
 * without the row's id or content.
 */
public final class UnreadableStoredResourceException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String resourceType;
  private final String id;

  public UnreadableStoredResourceException(String resourceType, String id) {
    super("unreadable stored " + resourceType);
    this.resourceType = resourceType;
    this.id = id;
  }

  public String resourceType() {
    return resourceType;
  }

  /** The row's id, for DEBUG logging only. */
  public String id() {
    return id;
  }
}
