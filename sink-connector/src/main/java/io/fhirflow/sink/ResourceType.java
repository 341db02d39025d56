package io.fhirflow.sink;

import io.fhirflow.store.StoreTables;
import java.util.Locale;
import java.util.Optional;

/** The FHIR resource types this sink can store; each has its own table shape. */
public enum ResourceType {
  OBSERVATION("Observation", StoreTables.OBSERVATION),
  PATIENT("Patient", StoreTables.PATIENT),
  DEVICE("Device", StoreTables.DEVICE);

  private final String fhirName;
  private final String table;

  ResourceType(String fhirName, String table) {
    this.fhirName = fhirName;
    this.table = table;
  }

  /** The FHIR {@code resourceType} value, e.g. {@code Observation}. */
  public String fhirName() {
    return fhirName;
  }

  /** The store's table for this type, the one the API reads too. */
  public String table() {
    return table;
  }

  /** Matches a FHIR {@code resourceType} exactly (FHIR type names are case-sensitive). */
  public static Optional<ResourceType> ofFhirName(String name) {
    for (ResourceType t : values()) {
      if (t.fhirName.equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** Matches a config token, case-insensitively ({@code observation}, {@code Observation}). */
  static Optional<ResourceType> ofConfigName(String name) {
    for (ResourceType t : values()) {
      if (t.fhirName.toLowerCase(Locale.ROOT).equals(name.trim().toLowerCase(Locale.ROOT))) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
