package io.fhirflow.sink;

import java.util.Locale;
import java.util.Optional;

/** The FHIR resource types this sink can store; each has its own table shape. */
public enum ResourceType {
  OBSERVATION("Observation", "fhir_observation"),
  PATIENT("Patient", "fhir_patient"),
  DEVICE("Device", "fhir_device");

  private final String fhirName;
  private final String defaultTable;

  ResourceType(String fhirName, String defaultTable) {
    this.fhirName = fhirName;
    this.defaultTable = defaultTable;
  }

  /** The FHIR {@code resourceType} value, e.g. {@code Observation}. */
  public String fhirName() {
    return fhirName;
  }

  public String defaultTable() {
    return defaultTable;
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
