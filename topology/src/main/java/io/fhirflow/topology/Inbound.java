package io.fhirflow.topology;

import io.fhirflow.schema.WearableSample;

/**
 * A decoded sample that still carries its original bytes, so any later stage can dead-letter it
 * unchanged.
 *
 * @param tenant the tenant of the raw topic the sample was read from ({@link TenantOfTopic}), never
 *     anything the gateway wrote into the record
 */
public record Inbound(String tenant, byte[] rawKey, byte[] rawValue, WearableSample sample) {

  public Rejected reject(DeadLetterStage stage, String reason, String errorClass) {
    return new Rejected(rawKey, rawValue, stage, reason, errorClass);
  }
}
