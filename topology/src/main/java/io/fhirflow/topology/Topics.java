package io.fhirflow.topology;

import io.fhirflow.contracts.PipelineTopic;

/** The topic names the topology reads and writes, from configuration (defaults in DESIGN.md). */
public record Topics(
    String raw,
    String observation,
    String patient,
    String device,
    String deadLetter,
    String erasure,
    String audit) {

  public static Topics defaults() {
    return new Topics(
        PipelineTopic.RAW.defaultName(),
        PipelineTopic.OBSERVATION.defaultName(),
        PipelineTopic.PATIENT.defaultName(),
        PipelineTopic.DEVICE.defaultName(),
        PipelineTopic.RAW_DEAD_LETTER.defaultName(),
        PipelineTopic.ERASURE.defaultName(),
        PipelineTopic.AUDIT_EVENT.defaultName());
  }
}
