package io.fhirflow.applehealth;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one import did, in counts: samples sent per type, elements skipped per name, rejections per
 * reason with their lines, correlation members not sent twice. Never holds sample content.
 */
public final class ImportReport {

  /** How many rejected lines are listed individually; beyond that only counts grow. */
  static final int MAX_LISTED_REJECTIONS = 50;

  private final Map<String, Long> sentByType = new TreeMap<>();
  private final Map<String, Long> skippedByElement = new TreeMap<>();
  private final Map<String, Long> rejectedByReason = new TreeMap<>();
  private final List<String> rejectionLines = new ArrayList<>();
  private long correlationMembersSkipped;
  private long correlations;
  private long illegalCharactersDropped;
  private long bytes;
  private Duration elapsed = Duration.ZERO;
  private String entryName;

  void sent(String type) {
    sentByType.merge(type, 1L, Long::sum);
  }

  void skipped(String element) {
    skippedByElement.merge(element, 1L, Long::sum);
  }

  void rejected(ImportReason reason, String elementName, long line, String detail) {
    rejectedByReason.merge(reason.code(), 1L, Long::sum);
    if (rejectionLines.size() < MAX_LISTED_REJECTIONS) {
      rejectionLines.add(
          "line " + line + ": <" + elementName + "> " + reason.code() + " (" + detail + ")");
    }
  }

  void correlationMemberSkipped() {
    correlationMembersSkipped++;
  }

  void correlationsFound(long n) {
    correlations = n;
  }

  void finished(long bytes, long illegalCharactersDropped, Duration elapsed, String entryName) {
    this.bytes = bytes;
    this.illegalCharactersDropped = illegalCharactersDropped;
    this.elapsed = elapsed;
    this.entryName = entryName;
  }

  public Map<String, Long> sentByType() {
    return Map.copyOf(sentByType);
  }

  public long sent() {
    return sentByType.values().stream().mapToLong(Long::longValue).sum();
  }

  public Map<String, Long> skippedByElement() {
    return Map.copyOf(skippedByElement);
  }

  public Map<String, Long> rejectedByReason() {
    return Map.copyOf(rejectedByReason);
  }

  public long rejected() {
    return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  public List<String> rejectionLines() {
    return List.copyOf(rejectionLines);
  }

  public long correlationMembersSkipped() {
    return correlationMembersSkipped;
  }

  public long correlations() {
    return correlations;
  }

  public long illegalCharactersDropped() {
    return illegalCharactersDropped;
  }

  /** Prints the summary a person reads after an import. */
  public void print(PrintStream out) {
    double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
    out.printf(
        "imported %s: %,d samples sent, %,d rejected, %.1f MB in %.1f s (%,.0f samples/s)%n",
        entryName, sent(), rejected(), bytes / 1e6, seconds, sent() / seconds);
    sentByType.forEach((type, n) -> out.printf("  %-55s %,9d%n", type, n));
    if (correlationMembersSkipped > 0) {
      out.printf(
          "  correlation members not sent again (inside %,d correlations): %,d%n",
          correlations, correlationMembersSkipped);
    }
    if (!skippedByElement.isEmpty()) {
      out.println("  skipped (not samples): " + skippedByElement);
    }
    if (illegalCharactersDropped > 0) {
      out.printf("  illegal XML characters dropped: %,d%n", illegalCharactersDropped);
    }
    if (!rejectedByReason.isEmpty()) {
      out.println("  rejected, sent to the dead-letter topic: " + rejectedByReason);
      rejectionLines.forEach(l -> out.println("    " + l));
      if (rejected() > rejectionLines.size()) {
        out.printf("    ... and %,d more%n", rejected() - rejectionLines.size());
      }
    }
  }
}
