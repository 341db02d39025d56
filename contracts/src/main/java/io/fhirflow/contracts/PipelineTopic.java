package io.fhirflow.contracts;

import java.util.List;

/**
 * The pipeline's topics: default name, key and value, and whether the topic is compacted. Names are
 * configuration in every process; these are the defaults all of them (and the local stack, the CLI
 * and the benchmarks) start from.
 */
public enum PipelineTopic {
  RAW(Names.RAW, false, "user id (string)", "Avro WearableSample, Confluent wire format"),
  RAW_DEAD_LETTER(
      Names.RAW_DEAD_LETTER,
      false,
      "original key bytes",
      "original value bytes, unchanged; dlq.* headers"),
  OBSERVATION(Names.OBSERVATION, false, "patient id", "FHIR R4 Observation JSON"),
  PATIENT(Names.PATIENT, true, "resource id", "FHIR R4 Patient JSON"),
  DEVICE(Names.DEVICE, true, "resource id", "FHIR R4 Device JSON"),
  AUDIT_EVENT(Names.AUDIT_EVENT, false, "request id", "FHIR R4 AuditEvent JSON"),
  FHIR_DEAD_LETTER(
      Names.FHIR_DEAD_LETTER, false, "original key bytes", "original FHIR JSON; dlq.* headers"),
  /**
   * Requests to erase a person (docs/contracts.md "Erasure"). Keyed and partitioned exactly like
   * {@link #RAW} (same key, same partition count): the topology reads it in the same tasks as the
   * person's samples, next to the state stores that hold them.
   */
  ERASURE(
      Names.ERASURE,
      false,
      "user id (string)",
      "erasure request JSON (requestId, userId, requestedBy, requestedAt)");

  /** The default names as compile-time constants, for annotations (picocli option defaults). */
  public static final class Names {
    public static final String RAW = "wearable.samples.raw";
    public static final String RAW_DEAD_LETTER = "wearable.samples.dlq";
    public static final String OBSERVATION = "fhir.r4.observation";
    public static final String PATIENT = "fhir.r4.patient";
    public static final String DEVICE = "fhir.r4.device";
    public static final String AUDIT_EVENT = "fhir.r4.auditevent";
    public static final String FHIR_DEAD_LETTER = "fhir.r4.dlq";
    public static final String ERASURE = "fhirflow.erasure.requests";

    private Names() {}
  }

  private final String defaultName;
  private final boolean compacted;
  private final String key;
  private final String value;

  PipelineTopic(String defaultName, boolean compacted, String key, String value) {
    this.defaultName = defaultName;
    this.compacted = compacted;
    this.key = key;
    this.value = value;
  }

  public String defaultName() {
    return defaultName;
  }

  /** One record per key is kept (cleanup.policy=compact): the latest state of each resource. */
  public boolean compacted() {
    return compacted;
  }

  /**
   * The broker stamps each record's timestamp ({@code message.timestamp.type=LogAppendTime}): the
   * raw topic's timestamps are the topology's ingest time (dedupe expiry, the future-time check),
   * so no producer may choose them; the erasure topic is read in the same tasks, and Kafka Streams
   * picks the next record of a task by timestamp, so its timestamps must be on the same clock.
   */
  public boolean brokerStampsTime() {
    return this == RAW || this == ERASURE;
  }

  /** What the record key holds. */
  public String key() {
    return key;
  }

  /** What the record value holds. */
  public String value() {
    return value;
  }

  /** The topics the FHIR sink reads by default. */
  public static List<PipelineTopic> fhirResources() {
    return List.of(OBSERVATION, PATIENT, DEVICE);
  }
}
