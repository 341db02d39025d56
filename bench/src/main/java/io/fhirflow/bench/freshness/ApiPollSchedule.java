package io.fhirflow.bench.freshness;

/**
 * When the freshness probe asks the API again for an Observation not yet visible: every {@link
 * #MIN_INTERVAL_MS} while the sample is young, then every {@link #RELATIVE_STEP} of its age, so a
 * latency is measured to within 100 ms or 5 % (whichever is larger) and an id not visible for 30 s
 * costs ~80 GETs instead of 300.
 *
 * <p>Polling every pending id every 100 ms made the probe the API's main load: with send → GET 200
 * at p50 11 s / p99 32 s (500 samples/s), 10-30 ids were pending at once and the API served ~90
 * GETs a second (404s), 10-15 CPU-seconds a minute on the two cores the pipeline it measures runs
 * on.
 */
final class ApiPollSchedule {

  static final long MIN_INTERVAL_MS = 100;
  static final double RELATIVE_STEP = 0.05;

  private ApiPollSchedule() {}

  /** The next poll of an id sent at {@code sentMs} and last polled (not found) at {@code nowMs}. */
  static long nextPollMs(long sentMs, long nowMs) {
    long age = Math.max(0, nowMs - sentMs);
    return nowMs + Math.max(MIN_INTERVAL_MS, (long) (age * RELATIVE_STEP));
  }
}
