package io.fhirflow.cli;

import io.fhirflow.cli.output.DeadLetter;
import io.fhirflow.cli.output.SampleSink;
import io.fhirflow.schema.WearableSample;

/** Sends nothing: {@code --dry-run}, where the report's counts are the point. */
final class CountingSink implements SampleSink {

  @Override
  public void send(WearableSample sample) {
    // Dry run: the importer counts what it would have sent.
  }

  @Override
  public void sendRaw(String key, byte[] value) {
    // Dry run.
  }

  @Override
  public void deadLetter(DeadLetter letter) {
    // Dry run: rejections are counted and listed in the report.
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
