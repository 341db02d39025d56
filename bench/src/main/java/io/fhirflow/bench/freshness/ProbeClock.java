package io.fhirflow.bench.freshness;

/**
 * A latency probe's time: monotonic milliseconds since the probe started, and PostgreSQL's
 * wall-clock commit timestamps ({@code pg_xact_commit_timestamp}) put on the same scale.
 *
 * <p>Both clocks are read here, one right after the other. FreshnessProbe once read them as two
 * field initialisers with the mapper's construction (~0.3-0.8 s) between them, so every commit time
 * it converted was that much early and each send → row latency it reported that much short
 * (BENCHMARKS.md, "Freshness").
 */
final class ProbeClock {

  private final long startNanos = System.nanoTime();
  private final long startWallMs = System.currentTimeMillis();

  /** Milliseconds since the probe started (monotonic). */
  long nowMs() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /**
   * A wall-clock time (epoch milliseconds, e.g. a commit timestamp) on the {@link #nowMs} scale.
   */
  long fromWallMs(long epochMs) {
    return epochMs - startWallMs;
  }
}
