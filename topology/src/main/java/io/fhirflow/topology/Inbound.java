package io.fhirflow.topology;

import io.fhirflow.schema.WearableSample;

/**
 * A decoded sample that still carries its original bytes, so any later stage can dead-letter it
 * unchanged.
 */
public record Inbound(byte[] rawKey, byte[] rawValue, WearableSample sample) {

  public Rejected reject(DeadLetterStage stage, String reason, String errorClass) {
    return new Rejected(rawKey, rawValue, stage, reason, errorClass);
  }
}
