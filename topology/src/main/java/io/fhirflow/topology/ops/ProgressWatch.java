package io.fhirflow.topology.ops;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.TaskId;

/**
 * Whether this instance makes progress, for {@code /health/ready} and {@code /health/live}. Kafka
 * Streams stays RUNNING while a task retries the same record forever (a thread that dies on it is
 * replaced, takes the task back and dies again), so its state alone said "ready" throughout.
 *
 * <p>A task is <em>stalled</em> when it has work (it has seen a record at or past its committed
 * offset: processed, not committed) and its committed offset has not moved for {@code stall}. The
 * instance is <em>unhealthy</em> while a task is stalled or while stream threads keep dying ({@link
 * #MAX_DEATHS} within {@code stall}): not ready. Unhealthy for longer than {@code grace}: not live,
 * so Kubernetes restarts it. Fed by {@link #observe} with what one check read (committed offsets
 * from the group, highest offsets seen from {@link FlowCounters}); time is a parameter, so the
 * rules are tested without waiting.
 */
public final class ProgressWatch {

  /** Thread deaths within {@code stall} that make the instance unhealthy by themselves. */
  static final int MAX_DEATHS = 3;

  /**
   * How long a task missing from the readings keeps its state, at least: replacing a thread and
   * rebalancing can take longer than a short stall, and the task must not look healthy meanwhile.
   */
  private static final long UNLISTED_MIN_MILLIS = 30_000;

  /**
   * One raw partition of an active task as a check saw it. A task reads the same partition of every
   * tenant's raw topic, so progress is judged per partition (offsets of two topics are unrelated).
   */
  public record TaskProgress(
      TaskId task, TopicPartition partition, long committed, long highestSeen) {}

  private final long stallMillis;
  private final long graceMillis;
  private final LongSupplier clock;
  private final Map<TopicPartition, TaskState> partitions = new HashMap<>();
  private final Deque<Long> deaths = new ArrayDeque<>();
  private volatile Set<TaskId> stalled = Set.of();
  private volatile long unhealthySince = -1;

  /**
   * What the checks know of a task: its committed offset, whether it had work, since when no
   * progress, when last listed.
   */
  private static final class TaskState {
    TaskId task;
    long committed;
    boolean pending;
    long lastProgress;
    long lastListed;
  }

  public ProgressWatch(Duration stall, Duration grace, LongSupplier clock) {
    this.stallMillis = stall.toMillis();
    this.graceMillis = grace.toMillis();
    this.clock = clock;
  }

  /** Called by the uncaught-exception handler each time a stream thread dies. */
  public synchronized void threadDied() {
    deaths.addLast(clock.getAsLong());
    update();
  }

  /**
   * One check's reading of the active tasks. A task missing from a reading (its thread just died
   * and a new one is joining) keeps its state for {@code stall} (at least 30 s): when it comes back
   * with the same committed offset it has still not moved, and in between it still counts as
   * stalled.
   */
  public synchronized void observe(Iterable<TaskProgress> reading) {
    long now = clock.getAsLong();
    for (TaskProgress t : reading) {
      TaskState state = partitions.get(t.partition());
      boolean pending = t.highestSeen() >= t.committed();
      if (state == null) {
        state = new TaskState();
        state.lastProgress = now;
        partitions.put(t.partition(), state);
      } else if (!pending || state.committed != t.committed()) {
        state.lastProgress = now;
      }
      if (!pending) {
        state.lastProgress = now;
      }
      state.task = t.task();
      state.committed = t.committed();
      state.pending = pending;
      state.lastListed = now;
    }
    Set<TaskId> nowStalled = new HashSet<>();
    long keepUnlisted = Math.max(stallMillis, UNLISTED_MIN_MILLIS);
    partitions.entrySet().removeIf(e -> now - e.getValue().lastListed > 2 * keepUnlisted);
    partitions.forEach(
        (partition, state) -> {
          if (state.pending
              && now - state.lastListed <= keepUnlisted
              && now - state.lastProgress > stallMillis) {
            nowStalled.add(state.task);
          }
        });
    stalled = Set.copyOf(nowStalled);
    update();
  }

  private void update() {
    long now = clock.getAsLong();
    while (!deaths.isEmpty() && now - deaths.peekFirst() > stallMillis) {
      deaths.removeFirst();
    }
    boolean unhealthy = !stalled.isEmpty() || deaths.size() >= MAX_DEATHS;
    if (!unhealthy) {
      unhealthySince = -1;
    } else if (unhealthySince < 0) {
      unhealthySince = now;
    }
  }

  /** False while a task is stalled or threads keep dying. */
  public synchronized boolean progressing() {
    update();
    return unhealthySince < 0;
  }

  /** False once the instance has been unhealthy for longer than the grace. */
  public synchronized boolean alive() {
    update();
    return unhealthySince < 0 || clock.getAsLong() - unhealthySince <= graceMillis;
  }

  /** For the health endpoints' body: which tasks are stalled, how many recent deaths. */
  public synchronized String describe() {
    update();
    return stalled.isEmpty() && deaths.size() < MAX_DEATHS
        ? "progressing"
        : "stalled tasks=" + stalled + " thread deaths=" + deaths.size();
  }
}
