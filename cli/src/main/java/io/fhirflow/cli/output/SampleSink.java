package io.fhirflow.cli.output;

import io.fhirflow.schema.WearableSample;

/** Where the importer and the simulator put what they produce. */
public interface SampleSink extends AutoCloseable {

  /** Sends one sample keyed by its user id; may block when the sink's buffer is full. */
  void send(WearableSample sample);

  /** Sends raw bytes as they are, for deliberately bad records (simulator). */
  void sendRaw(String key, byte[] value);

  /** Sends a dead letter. */
  void deadLetter(DeadLetter letter);

  /** Waits until everything sent so far is acknowledged; fails if anything was lost. */
  void flush();

  @Override
  void close();
}
