package io.fhirflow.topology.ops;

import io.fhirflow.topology.deadletter.DeadLetterStage;
import io.fhirflow.topology.fhir.DeletionOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The conservation counters: every consumed record is counted once in {@code in} and once in
 * exactly one of {@code out} (first version mapped), {@code updates} (newer version mapped as
 * amended), {@code duplicates} (equal or older version inside retention), {@code deleted} (a
 * deletion, or a version of a record already deleted; by {@link DeletionOutcome}) or {@code
 * dead_lettered}. So {@code in = out + updates + duplicates + deleted + dead_lettered} whenever the
 * topology is idle.
 *
 * <p>Records, not attempts: after an aborted transaction (a fault, a replaced thread) the task
 * processes the same offsets again, so each task keeps the highest offset it counted on each side
 * ({@link Marks}, kept for the process's lifetime across thread replacements and rebalances) and a
 * replayed offset is not counted again. A record is counted where it is processed, so a process
 * that takes over a partition from a crashed one counts what the other had not committed; the sum
 * over instances can exceed the records by that much, never a single instance's equation.
 */
public final class FlowCounters {

  private final MeterRegistry registry;
  private final Counter in;
  private final Counter out;
  private final Counter updates;
  private final Counter duplicates;
  private final ConcurrentMap<String, Counter> deadLettered = new ConcurrentHashMap<>();
  private final java.util.Map<DeletionOutcome, Counter> deleted =
      new java.util.EnumMap<>(DeletionOutcome.class);
  private final ConcurrentMap<String, Counter> emitted = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> retracted = new ConcurrentHashMap<>();

  public FlowCounters(MeterRegistry registry) {
    this.registry = registry;
    this.in =
        Counter.builder("fhirflow.samples.in")
            .description("Raw records consumed")
            .register(registry);
    this.out =
        Counter.builder("fhirflow.samples.out")
            .description("Samples mapped to FHIR for the first time")
            .register(registry);
    this.updates =
        Counter.builder("fhirflow.samples.updates")
            .description("Newer versions of known samples, mapped as amended")
            .register(registry);
    this.duplicates =
        Counter.builder("fhirflow.samples.duplicates")
            .description("Equal or older versions dropped inside retention")
            .register(registry);
    for (DeletionOutcome outcome : DeletionOutcome.values()) {
      deleted.put(
          outcome,
          Counter.builder("fhirflow.samples.deleted")
              .description("Deletions, and versions of records already deleted")
              .tag("outcome", outcome.code())
              .register(registry));
    }
  }

  /**
   * An erasure request on the erasure topic ({@code erased} or {@code rejected}). Outside the
   * conservation equation: the request is not a sample. Counted per attempt (a request replayed
   * after an aborted transaction counts again; erasure itself is idempotent).
   */
  public void erasure(String outcome) {
    Counter.builder("fhirflow.erasures")
        .description("Erasure requests carried out or rejected")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  public double erasureCount(String outcome) {
    Counter c = registry.find("fhirflow.erasures").tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  /** Where the branches register their own meters (the summaries' counters). */
  public MeterRegistry registry() {
    return registry;
  }

  public void deleted(DeletionOutcome outcome) {
    deleted.get(outcome).increment();
  }

  public double deletedCount() {
    return deleted.values().stream().mapToDouble(Counter::count).sum();
  }

  public double deletedCount(DeletionOutcome outcome) {
    return deleted.get(outcome).count();
  }

  /**
   * The high-water marks of one raw partition: the highest offset counted in {@code in} and in an
   * outcome. Kept per topic-partition, not per task: a task reads the same partition of every
   * tenant's raw topic, and their offsets are unrelated. Written only by the thread that owns the
   * partition's task at the time.
   */
  public static final class Marks {
    private volatile long in = -1;
    private volatile long outcome = -1;
  }

  private final ConcurrentMap<TopicPartition, Marks> marks = new ConcurrentHashMap<>();

  /**
   * The marks of a raw partition; the same object for the process's lifetime, whichever thread runs
   * its task.
   */
  public Marks marksFor(String topic, int partition) {
    return marks.computeIfAbsent(new TopicPartition(topic, partition), k -> new Marks());
  }

  /** The marks of the raw partition a record came from. */
  public Marks marksOf(RecordMetadata source) {
    return marksFor(source.topic(), source.partition());
  }

  /** The highest offset this process has processed (started) in a raw partition, -1 if none. */
  public long highestSeen(TopicPartition partition) {
    Marks m = marks.get(partition);
    return m == null ? -1 : m.in;
  }

  /** Counts a consumed record once, however often it is processed. */
  public void in(RecordMetadata source) {
    in(marksOf(source), source.offset());
  }

  void in(Marks m, long offset) {
    if (offset > m.in) {
      m.in = offset;
      in.increment();
    }
  }

  /**
   * True the first time an outcome (out, update, duplicate, dead letter) is reported for this
   * offset: only then is it counted. A replay after an aborted transaction reaches the same outcome
   * for the same offset again and is not counted twice.
   */
  public boolean firstOutcome(RecordMetadata source) {
    return firstOutcome(marksOf(source), source.offset());
  }

  /** {@link #firstOutcome(RecordMetadata)} where only the coordinates are known. */
  public boolean firstOutcome(Marks m, long offset) {
    if (offset > m.outcome) {
      m.outcome = offset;
      return true;
    }
    return false;
  }

  public void out() {
    out.increment();
  }

  public void update() {
    updates.increment();
  }

  public void duplicate() {
    duplicates.increment();
  }

  public void deadLettered(DeadLetterStage stage, String reason) {
    deadLettered
        .computeIfAbsent(
            stage.code() + '/' + reason,
            k ->
                Counter.builder("fhirflow.samples.dead.lettered")
                    .description("Records sent to the dead-letter topic")
                    .tag("stage", stage.code())
                    .tag("reason", reason)
                    .register(registry))
        .increment();
  }

  /** FHIR resources written, by type (one sample can give several Observations). */
  public void emitted(String resourceType) {
    emitted
        .computeIfAbsent(
            resourceType,
            k -> Counter.builder("fhirflow.resources.emitted").tag("type", k).register(registry))
        .increment();
  }

  /** Deletion markers written, by type: one per resource a deleted record had produced. */
  public void retracted(String resourceType, int markers) {
    retracted
        .computeIfAbsent(
            resourceType,
            k -> Counter.builder("fhirflow.resources.retracted").tag("type", k).register(registry))
        .increment(markers);
  }

  public double inCount() {
    return in.count();
  }

  public double outCount() {
    return out.count();
  }

  public double updateCount() {
    return updates.count();
  }

  public double duplicateCount() {
    return duplicates.count();
  }

  public double deadLetteredCount() {
    return deadLettered.values().stream().mapToDouble(Counter::count).sum();
  }
}
