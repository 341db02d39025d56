package io.fhirflow.cli;

import io.fhirflow.cli.output.DeadLetter;
import io.fhirflow.cli.output.SampleSink;
import io.fhirflow.schema.WearableSample;
import java.util.ArrayList;
import java.util.List;

/** Keeps what it is given, for tests of the parts in front of Kafka. */
public final class CollectingSink implements SampleSink {

  public final List<WearableSample> samples = new ArrayList<>();
  public final List<byte[]> raw = new ArrayList<>();
  public final List<DeadLetter> deadLetters = new ArrayList<>();

  @Override
  public void send(WearableSample sample) {
    samples.add(sample);
  }

  @Override
  public void sendRaw(String key, byte[] value) {
    raw.add(value);
  }

  @Override
  public void deadLetter(DeadLetter letter) {
    deadLetters.add(letter);
  }

  @Override
  public void flush() {
    // Nothing is buffered.
  }

  @Override
  public void close() {
    // Nothing to release.
  }
}
