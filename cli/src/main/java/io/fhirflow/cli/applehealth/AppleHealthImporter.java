package io.fhirflow.cli.applehealth;

import io.fhirflow.applehealth.AppleHealthExportReader;
import io.fhirflow.applehealth.ExportListener;
import io.fhirflow.applehealth.ImportReport;
import io.fhirflow.applehealth.ReadProgress;
import io.fhirflow.applehealth.RejectedElement;
import io.fhirflow.cli.output.DeadLetter;
import io.fhirflow.cli.output.ProgressLine;
import io.fhirflow.cli.output.SampleSink;
import io.fhirflow.schema.WearableSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Streams an Apple Health export into a {@link SampleSink}: every sample {@link
 * AppleHealthExportReader} reads is sent, each element it rejects goes to the dead-letter topic
 * with its line, as it was in the file.
 */
public final class AppleHealthImporter {

  static final String STAGE = "import";

  private final String userId;
  private final Clock clock;
  private final SampleSink sink;
  private final ProgressLine progress;

  public AppleHealthImporter(String userId, Clock clock, SampleSink sink, ProgressLine progress) {
    this.userId = userId;
    this.clock = clock;
    this.sink = sink;
    this.progress = progress;
  }

  public ImportReport run(Path path) throws IOException {
    String sourceName = path.getFileName().toString();
    ExportListener toSink =
        new ExportListener() {
          @Override
          public void sample(WearableSample sample) {
            sink.send(sample);
          }

          @Override
          public void rejected(RejectedElement element) {
            sink.deadLetter(
                new DeadLetter(
                    userId,
                    element.xml().getBytes(StandardCharsets.UTF_8),
                    STAGE,
                    element.reason().code(),
                    element.errorClass(),
                    sourceName,
                    element.line()));
          }

          @Override
          public void finished() {
            sink.flush();
          }
        };
    ReadProgress onTerminal =
        new ReadProgress() {
          @Override
          public void maybeShow(Supplier<String> line) {
            progress.maybeShow(line);
          }

          @Override
          public void finish(String line) {
            progress.finish(line);
          }
        };
    return new AppleHealthExportReader(userId, clock.instant()).read(path, toSink, onTerminal);
  }
}
