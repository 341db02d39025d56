package io.fhirflow.mapping;

import java.util.Objects;

/**
 * One FHIR R4 resource ready to publish.
 *
 * @param resourceType e.g. {@code Observation}
 * @param id the logical id (a name-based UUID), without the type prefix
 * @param json the exact UTF-8 JSON to publish; the same input always gives the same string
 */
public record FhirResource(String resourceType, String id, String json) {
  public FhirResource {
    Objects.requireNonNull(resourceType, "resourceType");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(json, "json");
  }

  /** {@code resourceType/id}, the form used in references. */
  public String reference() {
    return resourceType + "/" + id;
  }
}
