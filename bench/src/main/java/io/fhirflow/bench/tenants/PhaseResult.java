package io.fhirflow.bench.tenants;

import java.util.List;
import java.util.Locale;

/**
 * What one phase of the fairness benchmark measured: the steady tenant's latencies (send →
 * Observation committed), one per sample it sent, and what the flooding tenant achieved.
 *
 * @param name the phase as the report names it
 * @param steady one entry per sample the steady tenant sent in the phase, in send order
 * @param flood the flooding tenant's producer in the phase; {@link Flood.Stats#NONE} when it sent
 *     nothing
 * @param capacity samples per second the topology took in while the flooding tenant's backlog was
 *     queued and its producer had finished ({@link Double#NaN} when no backlog was seen)
 */
record PhaseResult(String name, List<Sample> steady, Flood.Stats flood, double capacity) {

  /**
   * One sample of the steady tenant.
   *
   * @param sentMs when it was sent, ms after the phase started
   * @param latencyMs send → its Observation committed; {@link #NOT_SEEN} if it never was within the
   *     benchmark's grace
   */
  record Sample(long sentMs, long latencyMs) {}

  /** The latency of a sample whose Observation was not seen: counts above every measured one. */
  static final long NOT_SEEN = Long.MAX_VALUE;

  /**
   * The nearest-rank percentile of the steady tenant's latencies, samples never seen included as
   * infinitely late (so a phase that lost more than 1 % of them has no finite p99); -1 when the
   * phase sent nothing.
   */
  long percentile(double p) {
    long[] sorted = steady.stream().mapToLong(Sample::latencyMs).sorted().toArray();
    if (sorted.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(p * sorted.length - 1e-9);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }

  /** The same phase without the samples sent in its first {@code skipMs}. */
  PhaseResult after(long skipMs) {
    return window(skipMs, Long.MAX_VALUE);
  }

  /** The same phase with only the samples sent from {@code fromMs} (incl.) to {@code toMs}. */
  PhaseResult window(long fromMs, long toMs) {
    return new PhaseResult(
        name,
        steady.stream().filter(s -> s.sentMs() >= fromMs && s.sentMs() < toMs).toList(),
        flood,
        capacity);
  }

  /**
   * B's p99 by when its samples were sent, {@code stepSeconds} at a time: one column per phase, so
   * a backlog shows where in the phase it formed and how long it took to drain.
   */
  static String timeline(List<PhaseResult> phases, int seconds, int stepSeconds) {
    StringBuilder out = new StringBuilder("| B's samples sent at |");
    phases.forEach(p -> out.append(' ').append(p.name()).append(" |"));
    out.append("\n|---|").append("---:|".repeat(phases.size())).append('\n');
    for (int from = 0; from < seconds; from += stepSeconds) {
      int to = Math.min(seconds, from + stepSeconds);
      out.append(String.format(Locale.ROOT, "| %d-%d s |", from, to));
      for (PhaseResult phase : phases) {
        out.append(' ').append(ms(phase.window(from * 1000L, to * 1000L).percentile(0.99)));
        out.append(" |");
      }
      out.append('\n');
    }
    return out.toString();
  }

  long notSeen() {
    return steady.stream().filter(s -> s.latencyMs() == NOT_SEEN).count();
  }

  /** The measured latencies in ms (samples never seen left out), for a percentile plot. */
  long[] seenLatencies() {
    return steady.stream()
        .mapToLong(Sample::latencyMs)
        .filter(l -> l != NOT_SEEN)
        .sorted()
        .toArray();
  }

  /** {@code this} phase's p99 over {@code quiet}'s, the figure the target (≤ 2) is about. */
  double p99Ratio(PhaseResult quiet) {
    long p99 = percentile(0.99);
    long base = quiet.percentile(0.99);
    return p99 == NOT_SEEN || base <= 0 ? Double.POSITIVE_INFINITY : (double) p99 / base;
  }

  /**
   * The report's table: one row per phase, latencies relative to the first (quiet) phase's; A's
   * rate overall and after its first {@code burstSeconds}.
   */
  static String table(List<PhaseResult> phases, int burstSeconds) {
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "| phase | B samples (not seen) | B p50 | B p99 | B p99 / quiet p99 | A samples sent |"
                    + " A rate | A rate after %d s | A bytes/s | A throttled, max |%n"
                    + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n",
                burstSeconds));
    PhaseResult quiet = phases.get(0);
    for (PhaseResult phase : phases) {
      Flood.Stats a = phase.flood();
      boolean flooded = a.acked() > 0;
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %d (%d) | %s | %s | %.2f | %s | %s | %s | %s | %s |%n",
              phase.name(),
              phase.steady().size(),
              phase.notSeen(),
              ms(phase.percentile(0.50)),
              ms(phase.percentile(0.99)),
              phase.p99Ratio(quiet),
              flooded ? String.format(Locale.ROOT, "%,d", a.acked()) : "-",
              flooded ? String.format(Locale.ROOT, "%,.0f/s", a.samplesPerSecond()) : "-",
              flooded && !Double.isNaN(a.ratePastBurst())
                  ? String.format(Locale.ROOT, "%,.0f/s", a.ratePastBurst())
                  : "-",
              flooded ? String.format(Locale.ROOT, "%,.0f", a.bytesPerSecond()) : "-",
              flooded ? a.throttleMaxMs() + " ms" : "-"));
    }
    return out.toString();
  }

  private static String ms(long latency) {
    return latency == NOT_SEEN ? "not seen" : latency < 0 ? "-" : latency + " ms";
  }
}
