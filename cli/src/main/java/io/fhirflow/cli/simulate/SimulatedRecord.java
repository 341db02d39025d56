package io.fhirflow.cli.simulate;

import io.fhirflow.schema.WearableSample;

/**
 * One record the simulator sends: a sample to serialize, or raw bytes that are deliberately not a
 * valid sample on the wire.
 */
public sealed interface SimulatedRecord {

  SampleKind kind();

  Outcome outcome();

  /** The tenant whose raw topic the record goes to: its user's ({@link SimulatedUser#tenant}). */
  String tenant();

  /**
   * A sample, serialized by the sink (NEW, LATE, DUPLICATE, UPDATE and the semantically bad ones).
   */
  record Sample(SampleKind kind, Outcome outcome, WearableSample sample, String tenant)
      implements SimulatedRecord {}

  /** Bytes sent as they are (not wire format, unknown schema id). */
  record Raw(SampleKind kind, Outcome outcome, String key, byte[] value, String tenant)
      implements SimulatedRecord {}
}
