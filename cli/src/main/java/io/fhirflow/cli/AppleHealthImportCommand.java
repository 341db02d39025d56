package io.fhirflow.cli;

import io.fhirflow.applehealth.ImportReport;
import io.fhirflow.applehealth.NotAnExportException;
import io.fhirflow.cli.applehealth.AppleHealthImporter;
import io.fhirflow.cli.output.ProgressLine;
import io.fhirflow.cli.output.SampleSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fhirflow import apple-health export.zip --user u1}. */
@Command(
    name = "apple-health",
    mixinStandardHelpOptions = true,
    description = {
      "Streams an iPhone Health export (export.xml, or the export.zip as shared from the Health app) into the "
          + "raw-sample topic as HealthKit samples: Records, Correlations (blood pressure once, as the pair), "
          + "Workouts and sleep analysis. Constant memory whatever the file size.",
      "A broken element is reported with its line and sent to the dead-letter topic; the import goes on."
    })
final class AppleHealthImportCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "EXPORT", description = "export.xml or export.zip")
  Path export;

  @Option(
      names = "--user",
      required = true,
      description = "The user id the samples belong to (the topic key).")
  String user;

  @Option(names = "--dry-run", description = "Parse and count only; send nothing.")
  boolean dryRun;

  @Mixin KafkaOptions kafka;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(export)) {
      System.err.println("no such file: " + export);
      return 2;
    }
    ProgressLine progress = new ProgressLine(System.err, 500);
    try (SampleSink sink =
        dryRun ? new CountingSink() : KafkaSampleSink.create(kafka, Clock.systemUTC())) {
      ImportReport report =
          new AppleHealthImporter(user, Clock.systemUTC(), sink, progress).run(export);
      report.print(System.out);
      return 0;
    } catch (NotAnExportException e) {
      System.err.println(e.getMessage());
      return 2;
    }
  }
}
