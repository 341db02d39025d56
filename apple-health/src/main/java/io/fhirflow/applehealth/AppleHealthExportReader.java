package io.fhirflow.applehealth;

import io.fhirflow.applehealth.ConvertedElement.Rejected;
import io.fhirflow.applehealth.ConvertedElement.Sample;
import io.fhirflow.applehealth.ConvertedElement.Skipped;
import io.fhirflow.applehealth.ElementParser.MalformedElementException;
import io.fhirflow.schema.HkCorrelation;
import io.fhirflow.schema.HkCorrelationMember;
import io.fhirflow.schema.HkQuantity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads an Apple Health export ({@code export.xml} or the {@code export.zip}) into HealthKit
 * samples: one per Record, Correlation and Workout, each broken element rejected with its line, and
 * on to the next. The product's one reader of exports: the importer sends what it reads, the tests
 * over the real exports map it.
 *
 * <p>Two passes over the file, both streaming. The DTD says every record inside a Correlation also
 * appears as a top-level record, and those come first in the file; the first pass collects the ids
 * of correlation members (a few bytes each) so the second can give blood pressure once, as the
 * correlation, instead of three times.
 */
public final class AppleHealthExportReader {

  private final String userId;
  private final Instant receivedTime;
  private final ElementParser parser = new ElementParser();

  /**
   * @param userId the user the samples belong to; part of every record id
   * @param receivedTime when the samples count as received (the import's start)
   */
  public AppleHealthExportReader(String userId, Instant receivedTime) {
    this.userId = userId;
    this.receivedTime = receivedTime;
  }

  /** Reads the whole export into the listener; no progress is shown. */
  public ImportReport read(Path path, ExportListener listener) throws IOException {
    return read(path, listener, ReadProgress.NONE);
  }

  /** Reads the whole export into the listener, in file order, and counts what it did. */
  public ImportReport read(Path path, ExportListener listener, ReadProgress progress)
      throws IOException {
    long t0 = System.nanoTime();
    ExportElementConverter converter = new ExportElementConverter(userId, receivedTime);
    Set<String> correlationMembers = new HashSet<>();
    long correlations = collectCorrelationMembers(path, converter, correlationMembers, progress);

    ImportReport report = new ImportReport();
    report.correlationsFound(correlations);
    try (ExportInput input = ExportInput.open(path)) {
      ElementChunk chunk;
      long elements = 0;
      while ((chunk = input.splitter().next()) != null) {
        elements++;
        handle(chunk, converter, correlationMembers, report, listener);
        long n = elements;
        progress.maybeShow(() -> line("importing", input, n, report));
      }
      listener.finished();
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
      ExportListener listener) {
    if (chunk.lexicalError() != null) {
      reject(
          report,
          listener,
          chunk,
          ImportReason.UNTERMINATED_ELEMENT,
          chunk.lexicalError(),
          chunk.line(),
          "Splitter");
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
          listener,
          chunk,
          ImportReason.MALFORMED_XML,
          detail,
          chunk.line(),
          "XMLStreamException");
      return;
    }
    List<ConvertedElement> converted = converter.convert(element, chunk.line());
    for (ConvertedElement c : converted) {
      if (c instanceof Sample s) {
        if (s.sample().getBody() instanceof HkQuantity
            && correlationMembers.contains(s.sample().getRecordId())) {
          report.correlationMemberSkipped();
        } else {
          listener.sample(s.sample());
          report.sent(s.sample().getType());
        }
      } else if (c instanceof Rejected r) {
        reject(report, listener, chunk, r.reason(), r.detail(), r.line(), "InvalidElement");
      } else if (c instanceof Skipped k) {
        report.skipped(k.elementName());
      }
    }
  }

  private static void reject(
      ImportReport report,
      ExportListener listener,
      ElementChunk chunk,
      ImportReason reason,
      String detail,
      long line,
      String errorClass) {
    report.rejected(reason, chunk.name(), line, detail);
    listener.rejected(
        new RejectedElement(chunk.name(), chunk.xml(), reason, errorClass, detail, line));
  }

  /** First pass: only Correlation elements are kept and parsed; the rest is lexed and dropped. */
  private long collectCorrelationMembers(
      Path path, ExportElementConverter converter, Set<String> members, ReadProgress progress)
      throws IOException {
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
