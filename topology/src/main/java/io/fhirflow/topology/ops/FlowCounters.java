package io.fhirflow.topology.ops;

import io.fhirflow.contracts.Tenants;
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
 *
 * <p>Every counter carries the record's tenant (tag {@code tenant}, {@link TenantFlowCounters}), so
 * the equation holds per tenant too. The tenant is resolved once per raw partition, when its {@link
 * Marks} are created, from the topic's name: a record costs no more than before tenants.
 */
public final class FlowCounters {

  /** Raw records read, per tenant: what the fairness benchmark reads back from the registry. */
  public static final String IN = "fhirflow.samples.in";

  static final String OUT = "fhirflow.samples.out";
  static final String UPDATES = "fhirflow.samples.updates";
  static final String DUPLICATES = "fhirflow.samples.duplicates";
  static final String DELETED = "fhirflow.samples.deleted";
  static final String DEAD_LETTERED = "fhirflow.samples.dead.lettered";

  /**
   * The {@code tenant} tag of a record read from a topic that is no raw topic (an erasure request
   * the safety net dead-lettered): not a tenant name ({@link Tenants#NAME_REGEX}), so it never
   * mixes with a tenant's counts.
   */
  public static final String NO_TENANT = "-";

  private final MeterRegistry registry;
  private final String rawTopic;
  private final ConcurrentMap<String, TenantFlowCounters> tenants = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> emitted = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> retracted = new ConcurrentHashMap<>();

  /**
   * @param rawTopic the raw topic's name, whose tenants' topics ({@link Tenants#rawTopics}) name
   *     the tenant of each partition's counters
   */
  public FlowCounters(MeterRegistry registry, String rawTopic) {
    this.registry = registry;
    this.rawTopic = rawTopic;
    // The default tenant's series exist from the start (0 until its first record), as before
    // tenants: a dashboard sees the counters of an idle single-tenant deployment.
    tenant(Tenants.DEFAULT);
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

  /** The counters of a tenant, created at its first use; {@link #NO_TENANT} for no raw topic. */
  public TenantFlowCounters tenant(String tenant) {
    return tenants.computeIfAbsent(tenant, t -> new TenantFlowCounters(registry, t));
  }

  /** The tenants counted so far (the default tenant always), in no particular order. */
  public java.util.Set<String> tenants() {
    return java.util.Set.copyOf(tenants.keySet());
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

    /** The counters of the partition's tenant: resolved once, when the partition is first seen. */
    private final TenantFlowCounters tenant;

    private Marks(TenantFlowCounters tenant) {
      this.tenant = tenant;
    }
  }

  private final ConcurrentMap<TopicPartition, Marks> marks = new ConcurrentHashMap<>();

  /**
   * The marks of a raw partition; the same object for the process's lifetime, whichever thread runs
   * its task.
   */
  public Marks marksFor(String topic, int partition) {
    return marks.computeIfAbsent(
        new TopicPartition(topic, partition), k -> new Marks(tenant(tenantOf(topic))));
  }

  private String tenantOf(String topic) {
    String tenant = Tenants.ofRawTopic(rawTopic, topic);
    return tenant == null ? NO_TENANT : tenant;
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
      m.tenant.in();
    }
  }

  /**
   * The counters of the record's tenant the first time an outcome (out, update, duplicate,
   * deletion, dead letter) is reported for this offset, to count it there; null when it was counted
   * before. A replay after an aborted transaction reaches the same outcome for the same offset
   * again and is not counted twice.
   */
  public TenantFlowCounters firstOutcome(RecordMetadata source) {
    return firstOutcome(marksOf(source), source.offset());
  }

  /** {@link #firstOutcome(RecordMetadata)} where only the coordinates are known. */
  public TenantFlowCounters firstOutcome(Marks m, long offset) {
    if (offset > m.outcome) {
      m.outcome = offset;
      return m.tenant;
    }
    return null;
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

  /** Totals over every tenant (tests, the application's checks). */
  /**
   * Records counted in, over all tenants. From the tenants' own counters, not a registry search: a
   * search walks every meter (thousands with Kafka Streams' metrics bound), and callers poll this
   * (the benchmark every 5 ms, where a search cost 2-8 µs of CPU per sample).
   */
  public double inCount() {
    return tenants.values().stream().mapToDouble(TenantFlowCounters::inCount).sum();
  }

  public double outCount() {
    return total(OUT);
  }

  public double updateCount() {
    return total(UPDATES);
  }

  public double duplicateCount() {
    return total(DUPLICATES);
  }

  public double deletedCount() {
    return total(DELETED);
  }

  public double deletedCount(DeletionOutcome outcome) {
    return registry.find(DELETED).tag("outcome", outcome.code()).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  public double deadLetteredCount() {
    return total(DEAD_LETTERED);
  }

  private double total(String meter) {
    return registry.find(meter).counters().stream().mapToDouble(Counter::count).sum();
  }
}
