package io.fhirflow.topology.ops;

import io.fhirflow.topology.deadletter.DeadLetterStage;
import io.fhirflow.topology.fhir.DeletionOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One tenant's conservation counters ({@link FlowCounters}), each tagged {@code tenant}: a platform
 * team sees which tenant sends, drops or dead-letters what, and the equation holds per tenant as
 * well as in total. Built once per tenant and reached through a raw partition's {@link
 * FlowCounters.Marks}, so a record never resolves its tenant's meters.
 */
public final class TenantFlowCounters {

  /** The Prometheus label (Micrometer tag) naming the tenant on every conservation counter. */
  public static final String TAG = "tenant";

  private final String tenant;
  private final MeterRegistry registry;
  private final Counter in;
  private final Counter out;
  private final Counter updates;
  private final Counter duplicates;
  private final Map<DeletionOutcome, Counter> deleted = new EnumMap<>(DeletionOutcome.class);
  private final ConcurrentMap<String, Counter> deadLettered = new ConcurrentHashMap<>();

  TenantFlowCounters(MeterRegistry registry, String tenant) {
    this.tenant = tenant;
    this.registry = registry;
    this.in = counter(FlowCounters.IN, "Raw records consumed");
    this.out = counter(FlowCounters.OUT, "Samples mapped to FHIR for the first time");
    this.updates =
        counter(FlowCounters.UPDATES, "Newer versions of known samples, mapped as amended");
    this.duplicates =
        counter(FlowCounters.DUPLICATES, "Equal or older versions dropped inside retention");
    for (DeletionOutcome outcome : DeletionOutcome.values()) {
      deleted.put(
          outcome,
          Counter.builder(FlowCounters.DELETED)
              .description("Deletions, and versions of records already deleted")
              .tag("outcome", outcome.code())
              .tag(TAG, tenant)
              .register(registry));
    }
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).tag(TAG, tenant).register(registry);
  }

  public String tenant() {
    return tenant;
  }

  void in() {
    in.increment();
  }

  double inCount() {
    return in.count();
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

  public void deleted(DeletionOutcome outcome) {
    deleted.get(outcome).increment();
  }

  public void deadLettered(DeadLetterStage stage, String reason) {
    deadLettered
        .computeIfAbsent(
            stage.code() + '/' + reason,
            k ->
                Counter.builder(FlowCounters.DEAD_LETTERED)
                    .description("Records sent to the dead-letter topic")
                    .tag("stage", stage.code())
                    .tag("reason", reason)
                    .tag(TAG, tenant)
                    .register(registry))
        .increment();
  }
}
