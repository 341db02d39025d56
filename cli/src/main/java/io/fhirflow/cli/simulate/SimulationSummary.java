package io.fhirflow.cli.simulate;

import java.io.PrintStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Counts of what the simulator sent, per kind and per intended outcome, and what the pipeline
 * should therefore count: every BAD_* dead-lettered, every DUPLICATE dropped, every UPDATE an
 * update, NEW and LATE as output, the deletion outcomes as deleted. Per tenant too, to compare with
 * the topology's counters of each tenant (their label {@code tenant}).
 */
public final class SimulationSummary {

  private final Map<SampleKind, Map<Outcome, Long>> counts = new EnumMap<>(SampleKind.class);
  private final Map<String, Map<Outcome, Long>> byTenant = new TreeMap<>();
  private long failedSends;
  private double seconds;

  synchronized void count(String tenant, SampleKind kind, Outcome outcome) {
    counts.computeIfAbsent(kind, k -> new EnumMap<>(Outcome.class)).merge(outcome, 1L, Long::sum);
    byTenant
        .computeIfAbsent(tenant, t -> new EnumMap<>(Outcome.class))
        .merge(outcome, 1L, Long::sum);
  }

  /** The tenants records were sent for, by name. */
  public synchronized List<String> tenants() {
    return List.copyOf(byTenant.keySet());
  }

  /** Records of one tenant with this outcome. */
  public synchronized long count(String tenant, Outcome outcome) {
    return byTenant.getOrDefault(tenant, Map.of()).getOrDefault(outcome, 0L);
  }

  /** Records of one tenant whose outcome passes {@code which}. */
  public synchronized long count(String tenant, Predicate<Outcome> which) {
    return byTenant.getOrDefault(tenant, Map.of()).entrySet().stream()
        .filter(e -> which.test(e.getKey()))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  synchronized void finished(double seconds, long failedSends) {
    this.seconds = seconds;
    this.failedSends = failedSends;
  }

  public synchronized long total() {
    return counts.values().stream()
        .flatMap(m -> m.values().stream())
        .mapToLong(Long::longValue)
        .sum();
  }

  public synchronized long count(Outcome outcome) {
    return counts.values().stream().mapToLong(m -> m.getOrDefault(outcome, 0L)).sum();
  }

  public synchronized long count(SampleKind kind) {
    return counts.getOrDefault(kind, Map.of()).values().stream().mapToLong(Long::longValue).sum();
  }

  public synchronized long bad() {
    return countWhere(Outcome::isBad);
  }

  public synchronized long deletions() {
    return countWhere(Outcome::isDeletion);
  }

  private long countWhere(Predicate<Outcome> which) {
    long n = 0;
    for (Outcome o : Outcome.values()) {
      if (which.test(o)) {
        n += count(o);
      }
    }
    return n;
  }

  /** One line for the live progress display. */
  public synchronized String progressLine(double elapsedSeconds, double remainingSeconds) {
    return String.format(
        "simulating: %,d sent (%,.0f/s) | new %,d late %,d dup %,d upd %,d del %,d bad %,d | %.0fs left",
        total(),
        total() / Math.max(elapsedSeconds, 0.001),
        count(Outcome.NEW),
        count(Outcome.LATE),
        count(Outcome.DUPLICATE),
        count(Outcome.UPDATE),
        deletions(),
        bad(),
        Math.max(0, remainingSeconds));
  }

  public synchronized void print(PrintStream out) {
    out.printf(
        "simulator sent %,d records in %.1f s (%,.0f/s)%s%n",
        total(),
        seconds,
        total() / Math.max(seconds, 0.001),
        failedSends > 0 ? String.format(", %,d sends FAILED", failedSends) : "");
    out.printf(
        "  %-15s %9s %9s %9s %9s %9s %9s%n",
        "kind", "new", "late", "duplicate", "update", "deleted", "bad");
    for (SampleKind kind : SampleKind.values()) {
      Map<Outcome, Long> m = counts.getOrDefault(kind, Map.of());
      long bad =
          m.entrySet().stream()
              .filter(e -> e.getKey().isBad())
              .mapToLong(Map.Entry::getValue)
              .sum();
      long deleted =
          m.entrySet().stream()
              .filter(e -> e.getKey().isDeletion())
              .mapToLong(Map.Entry::getValue)
              .sum();
      out.printf(
          "  %-15s %,9d %,9d %,9d %,9d %,9d %,9d%n",
          kind.label(),
          m.getOrDefault(Outcome.NEW, 0L),
          m.getOrDefault(Outcome.LATE, 0L),
          m.getOrDefault(Outcome.DUPLICATE, 0L),
          m.getOrDefault(Outcome.UPDATE, 0L),
          deleted,
          bad);
    }
    StringJoiner badKinds = new StringJoiner(", ");
    for (Outcome o : Outcome.values()) {
      if (o.isBad()) {
        badKinds.add(o.label().substring(5) + " " + count(o));
      }
    }
    out.println("  bad records (all must reach the dead-letter topic): " + badKinds);
    out.printf(
        "  deletions: %,d of records sent before, %,d sent before their original (and %,d originals after them, which must stay deleted)%n",
        count(Outcome.DELETION), count(Outcome.DELETION_EARLY), count(Outcome.AFTER_DELETION));
    out.printf(
        "  expected at the topology: in %,d = output %,d + duplicates %,d + updates %,d + deleted %,d + dead-lettered %,d%n",
        total(),
        count(Outcome.NEW) + count(Outcome.LATE),
        count(Outcome.DUPLICATE),
        count(Outcome.UPDATE),
        deletions(),
        bad());
    if (byTenant.size() > 1) {
      for (String tenant : byTenant.keySet()) {
        out.printf(
            "    tenant %-12s in %,d = output %,d + duplicates %,d + updates %,d + deleted %,d + dead-lettered %,d%n",
            tenant,
            count(tenant, o -> true),
            count(tenant, o -> o == Outcome.NEW || o == Outcome.LATE),
            count(tenant, Outcome.DUPLICATE),
            count(tenant, Outcome.UPDATE),
            count(tenant, Outcome::isDeletion),
            count(tenant, Outcome::isBad));
      }
    }
  }

  /**
   * The counts as a small JSON object, for scripts (bin/run-local compares them with the
   * topology's).
   */
  public synchronized String toJson() {
    StringJoiner kinds = new StringJoiner(",", "{", "}");
    counts.forEach(
        (kind, m) -> {
          StringJoiner outcomes = new StringJoiner(",", "{", "}");
          m.forEach((o, n) -> outcomes.add("\"" + o.name() + "\":" + n));
          kinds.add("\"" + kind.label() + "\":" + outcomes);
        });
    return "{\"total\":"
        + total()
        + ",\"new\":"
        + count(Outcome.NEW)
        + ",\"late\":"
        + count(Outcome.LATE)
        + ",\"duplicates\":"
        + count(Outcome.DUPLICATE)
        + ",\"updates\":"
        + count(Outcome.UPDATE)
        + ",\"deletions\":"
        + deletions()
        + ",\"bad\":"
        + bad()
        + ",\"failedSends\":"
        + failedSends
        + ",\"seconds\":"
        + seconds
        + ",\"byKind\":"
        + kinds
        + ",\"byTenant\":"
        + tenantsJson()
        + "}";
  }

  /**
   * Per tenant, the figures the topology counts per tenant: {@code {"acme":{"total":…,"output":…,
   * "duplicates":…,"updates":…,"deletions":…,"bad":…}, …}}.
   */
  private String tenantsJson() {
    StringJoiner tenants = new StringJoiner(",", "{", "}");
    for (String tenant : byTenant.keySet()) {
      tenants.add(
          "\""
              + tenant
              + "\":{\"total\":"
              + count(tenant, o -> true)
              + ",\"output\":"
              + count(tenant, o -> o == Outcome.NEW || o == Outcome.LATE)
              + ",\"duplicates\":"
              + count(tenant, Outcome.DUPLICATE)
              + ",\"updates\":"
              + count(tenant, Outcome.UPDATE)
              + ",\"deletions\":"
              + count(tenant, Outcome::isDeletion)
              + ",\"bad\":"
              + count(tenant, Outcome::isBad)
              + "}");
    }
    return tenants.toString();
  }
}
