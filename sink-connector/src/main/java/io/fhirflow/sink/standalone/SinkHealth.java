package io.fhirflow.sink.standalone;

import io.fhirflow.contracts.OpsPort.Health;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the standalone sink answers on {@code /health/ready} and {@code /health/live}, from the
 * states Connect reports for its connectors and their tasks (Connect's own {@code GET /health} says
 * only that the worker started: a task FAILED for good, as the fault run once left both tasks after
 * a broker outage, kept it 200 while nothing was written).
 *
 * <ul>
 *   <li>Ready: the worker has created its connectors, and every connector and every one of its
 *       tasks is RUNNING (a connector without tasks yet is not ready).
 *   <li>Live: no connector or task has been FAILED for longer than the grace. Connect never
 *       restarts a failed task by itself; a restart of the process does, with the offsets committed
 *       so far (nothing is lost: offsets follow the database commit).
 * </ul>
 */
final class SinkHealth {

  /** Connect's state names of a connector or task. */
  static final String RUNNING = "RUNNING";

  static final String FAILED = "FAILED";

  private final Clock clock;
  private final Duration grace;
  private Instant failedSince;

  SinkHealth(Clock clock, Duration grace) {
    this.clock = clock;
    this.grace = grace;
  }

  /**
   * One look at the worker.
   *
   * @param started whether the worker has created its connectors (Connect's herder is ready)
   * @param states for each connector, its own state followed by its tasks' states
   */
  synchronized Answer observe(boolean started, Map<String, List<String>> states) {
    boolean failed = states.values().stream().anyMatch(s -> s.contains(FAILED));
    boolean allRunning =
        started
            && !states.isEmpty()
            && states.values().stream()
                .allMatch(s -> s.size() > 1 && s.stream().allMatch(RUNNING::equals));
    Instant now = clock.instant();
    if (!failed) {
      failedSince = null;
    } else if (failedSince == null) {
      failedSince = now;
    }
    boolean live = failedSince == null || Duration.between(failedSince, now).compareTo(grace) <= 0;
    String text = describe(started, states);
    return new Answer(
        new Health(
            live, (live ? "" : "FAILED for longer than " + grace.toSeconds() + " s: ") + text),
        new Health(allRunning, text));
  }

  /** The two answers of one look. */
  record Answer(Health live, Health ready) {}

  private static String describe(boolean started, Map<String, List<String>> states) {
    if (!started) {
      return "STARTING";
    }
    List<String> parts = new ArrayList<>();
    states.forEach(
        (name, s) ->
            parts.add(
                name + " " + s.get(0) + " tasks=" + String.join(",", s.subList(1, s.size()))));
    return parts.isEmpty() ? "no connectors" : String.join("; ", parts);
  }
}
