package io.fhirflow.topology;

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
        TopologyConfig.TOPIC_RAW_DEFAULT,
        TopologyConfig.TOPIC_OBSERVATION_DEFAULT,
        TopologyConfig.TOPIC_PATIENT_DEFAULT,
        TopologyConfig.TOPIC_DEVICE_DEFAULT,
        TopologyConfig.TOPIC_DLQ_DEFAULT,
        TopologyConfig.TOPIC_ERASURE_DEFAULT,
        TopologyConfig.TOPIC_AUDIT_DEFAULT);
  }
}
