package io.fhirflow.topology.deadletter;

import java.util.Locale;

/** Where in the topology a record was turned away; written as the {@code dlq.stage} header. */
public enum DeadLetterStage {
  /**
   * Key or bytes unusable: null key, oversized, not Confluent wire format, unknown schema, corrupt
   * body.
   */
  DESERIALIZE,
  /** Decoded, but its key is not its user id (the partitioning contract). */
  VALIDATE,
  /**
   * The catalogue rejects it (unknown type, unit, range, shape, ids, times): a typed rejection from
   * the mapper.
   */
  MAP,
  /** An unexpected exception in a processor, caught by Kafka's processing exception handler. */
  PROCESS,
  /**
   * A record of the erasure topic that is not an erasure request (or names another user than its
   * key).
   */
  ERASE;

  /** The header value: lower case, stable. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
