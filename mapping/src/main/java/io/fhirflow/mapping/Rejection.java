package io.fhirflow.mapping;

import java.util.Objects;

/**
 * Why a sample cannot be mapped. {@code detail} names types, fields and units only: never values,
 * ids or names, so it is safe to log and to put in a dead-letter header.
 */
public record Rejection(RejectReason reason, String detail) implements MappingOutcome {
  public Rejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }
}
