package io.fhirflow.cli.applehealth;

import io.fhirflow.cli.applehealth.ConvertedElement.Rejected;
import io.fhirflow.cli.applehealth.ConvertedElement.Sample;
import io.fhirflow.cli.applehealth.ConvertedElement.Skipped;
import io.fhirflow.cli.applehealth.ElementParser.MalformedElementException;
import io.fhirflow.cli.output.DeadLetter;
import io.fhirflow.cli.output.ProgressLine;
import io.fhirflow.cli.output.SampleSink;
import io.fhirflow.schema.HkCorrelation;
import io.fhirflow.schema.HkCorrelationMember;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Streams an Apple Health export into a {@link SampleSink}: one sample per Record, Correlation and
 * Workout, each broken element to the dead-letter topic with its line, and on to the next.
 *
 * <p>Two passes over the file, both streaming. The DTD says every record inside a Correlation also
 * appears as a top-level record, and those come first in the file; the first pass collects the ids
 * of correlation members (a few bytes each) so the second can send blood pressure once, as the
 * correlation, instead of three times.
 */
public final class AppleHealthImporter {

  static final String STAGE = "import";

  private final String userId;
  private final Clock clock;
  private final SampleSink sink;
  private final ProgressLine progress;
  private final ElementParser parser = new ElementParser();

  public AppleHealthImporter(String userId, Clock clock, SampleSink sink, ProgressLine progress) {
    this.userId = userId;
    this.clock = clock;
    this.sink = sink;
    this.progress = progress;
  }

  public ImportReport run(Path path) throws IOException {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    ExportElementConverter converter = new ExportElementConverter(userId, started);
    Set<String> correlationMembers = new HashSet<>();
    long correlations = collectCorrelationMembers(path, converter, correlationMembers);

    ImportReport report = new ImportReport();
    report.correlationsFound(correlations);
    try (ExportInput input = ExportInput.open(path)) {
      String sourceName = path.getFileName().toString();
      ElementChunk chunk;
      long elements = 0;
      while ((chunk = input.splitter().next()) != null) {
        elements++;
        handle(chunk, converter, correlationMembers, report, sourceName);
        long n = elements;
        progress.maybeShow(() -> line("importing", input, n, report));
      }
      sink.flush();
      report.finished(
          input.bytesRead(),
          input.illegalCharactersDropped(),
          Duration.ofNanos(System.nanoTime() - t0),
          input.entryName());
      progress.finish(line("imported", input, elements, report));
    }
    return report;
  }

  private void handle(
      ElementChunk chunk,
      ExportElementConverter converter,
      Set<String> correlationMembers,
      ImportReport report,
      String sourceName) {
    if (chunk.lexicalError() != null) {
      reject(
          report,
          chunk,
          ImportReason.UNTERMINATED_ELEMENT,
          chunk.lexicalError(),
          chunk.line(),
          "Splitter",
          sourceName);
      return;
    }
    XmlElement element;
    try {
      element = parser.parse(chunk);
    } catch (MalformedElementException e) {
      String detail =
          e.line() == chunk.line()
              ? e.getMessage()
              : e.getMessage() + " (parser stopped at line " + e.line() + ")";
      reject(
          report,
          chunk,
          ImportReason.MALFORMED_XML,
          detail,
          chunk.line(),
          "XMLStreamException",
          sourceName);
      return;
    }
    List<ConvertedElement> converted = converter.convert(element, chunk.line());
    for (ConvertedElement c : converted) {
      if (c instanceof Sample s) {
        if (s.sample().getBody() instanceof io.fhirflow.schema.HkQuantity
            && correlationMembers.contains(s.sample().getRecordId())) {
          report.correlationMemberSkipped();
        } else {
          sink.send(s.sample());
          report.sent(s.sample().getType());
        }
      } else if (c instanceof Rejected r) {
        reject(report, chunk, r.reason(), r.detail(), r.line(), "InvalidElement", sourceName);
      } else if (c instanceof Skipped k) {
        report.skipped(k.elementName());
      }
    }
  }

  private void reject(
      ImportReport report,
      ElementChunk chunk,
      ImportReason reason,
      String detail,
      long line,
      String errorClass,
      String sourceName) {
    report.rejected(reason, chunk.name(), line, detail);
    sink.deadLetter(
        new DeadLetter(
            userId,
            chunk.xml().getBytes(StandardCharsets.UTF_8),
            STAGE,
            reason.code(),
            errorClass,
            sourceName,
            line));
  }

  /** First pass: only Correlation elements are kept and parsed; the rest is lexed and dropped. */
  private long collectCorrelationMembers(
      Path path, ExportElementConverter converter, Set<String> members) throws IOException {
    long correlations = 0;
    try (ExportInput input = ExportInput.open(path)) {
      TopLevelElementSplitter splitter = input.splitter().onlyCapture(Set.of("Correlation"));
      ElementChunk chunk;
      while ((chunk = splitter.next()) != null) {
        if (chunk.name().equals("Correlation") && chunk.lexicalError() == null) {
          try {
            for (ConvertedElement c : converter.convert(parser.parse(chunk), chunk.line())) {
              if (c instanceof Sample s
                  && s.sample().getBody() instanceof HkCorrelation correlation) {
                correlations++;
                for (HkCorrelationMember m : correlation.getMembers()) {
                  members.add(m.getRecordId());
                }
              }
            }
          } catch (MalformedElementException e) {
            // Reported with its line in the second pass.
          }
        }
        long c = correlations;
        progress.maybeShow(
            () ->
                String.format(
                    "scanning for correlations: %.0f%% (%,d found)",
                    100.0 * input.bytesRead() / Math.max(1, input.size()), c));
      }
    }
    return correlations;
  }

  private static String line(String verb, ExportInput input, long elements, ImportReport report) {
    return String.format(
        "%s: %.0f%% of %.1f MB, %,d elements, %,d samples sent, %,d rejected",
        verb,
        100.0 * input.bytesRead() / Math.max(1, input.size()),
        input.size() / 1e6,
        elements,
        report.sent(),
        report.rejected());
  }
}
