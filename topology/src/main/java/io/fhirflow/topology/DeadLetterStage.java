package io.fhirflow.topology;

import java.util.Locale;

/** Where in the topology a record was turned away; written as the {@code dlq.stage} header. */
public enum DeadLetterStage {
  /** Key or bytes unusable: null key, oversized, not Confluent wire format, unknown schema, corrupt body. */
  DESERIALIZE,
  /** Decoded, but the catalogue's cheap checks (or the key contract) reject it. */
  VALIDATE,
  /** Passed validation, but mapping to FHIR failed with a typed rejection. */
  MAP,
  /** An unexpected exception in a processor, caught by Kafka's processing exception handler. */
  PROCESS;

  /** The header value: lower case, stable. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
