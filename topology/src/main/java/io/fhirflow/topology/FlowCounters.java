package io.fhirflow.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The conservation counters: every consumed record is counted once in {@code in} and once in
 * exactly one of {@code out} (first version mapped), {@code updates} (newer version mapped as
 * amended), {@code duplicates} (equal or older version inside retention) or {@code dead_lettered}.
 * So {@code in = out + updates + duplicates + dead_lettered} whenever the topology is idle.
 *
 * <p>Counted when processed, not when committed: after an aborted transaction the replayed records
 * are counted again on both sides of the equation, which keeps it balanced.
 */
public final class FlowCounters {

  private final MeterRegistry registry;
  private final Counter in;
  private final Counter out;
  private final Counter updates;
  private final Counter duplicates;
  private final ConcurrentMap<String, Counter> deadLettered = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> emitted = new ConcurrentHashMap<>();

  public FlowCounters(MeterRegistry registry) {
    this.registry = registry;
    this.in = Counter.builder("fhirflow.samples.in").description("Raw records consumed").register(registry);
    this.out = Counter.builder("fhirflow.samples.out").description("Samples mapped to FHIR for the first time").register(registry);
    this.updates = Counter.builder("fhirflow.samples.updates").description("Newer versions of known samples, mapped as amended").register(registry);
    this.duplicates = Counter.builder("fhirflow.samples.duplicates").description("Equal or older versions dropped inside retention").register(registry);
  }

  public void in() {
    in.increment();
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
