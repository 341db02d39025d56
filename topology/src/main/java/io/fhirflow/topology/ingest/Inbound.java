package io.fhirflow.topology.ingest;

import io.fhirflow.schema.WearableSample;
import io.fhirflow.topology.TenantOfTopic;
import io.fhirflow.topology.deadletter.DeadLetterStage;
import io.fhirflow.topology.deadletter.Rejected;

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
