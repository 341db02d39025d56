package io.fhirflow.topology.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.topology.deadletter.DeadLetterStage;
import io.fhirflow.topology.fhir.DeletionOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 1: the conservation counters count records, not attempts. Issue 15: each counter
 * carries the tenant of the raw topic its record came from.
 */
class FlowCountersTest {

  private static final String RAW = PipelineTopic.Names.RAW;

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final FlowCounters counters = new FlowCounters(registry, RAW);

  @Test
  void aReplayedOffsetIsCountedOnceOnEachSideWhicheverThreadReplaysIt() {
    FlowCounters.Marks firstThread = counters.marksFor(RAW, 3);
    counters.in(firstThread, 10);
    counters.in(firstThread, 11);
    counters.firstOutcome(firstThread, 10).out();
    // The transaction aborts at offset 11; a replacement thread replays 10 and 11.
    FlowCounters.Marks replacement = counters.marksFor(RAW, 3);
    for (long offset = 10; offset <= 11; offset++) {
      counters.in(replacement, offset);
      TenantFlowCounters tenant = counters.firstOutcome(replacement, offset);
      if (tenant != null) {
        tenant.out();
      }
    }

    assertThat(counters.inCount()).isEqualTo(2);
    assertThat(counters.outCount()).isEqualTo(2);
  }

  @Test
  void eachPartitionHasItsOwnMarks() {
    counters.in(counters.marksFor(RAW, 0), 5);
    counters.in(counters.marksFor(RAW, 1), 5);

    assertThat(counters.inCount()).isEqualTo(2);
  }

  @Test
  void aTenantTopicsOffsetsAreNotComparedWithTheDefaultTopicsInTheSameTask() {
    // Task 0_0 reads partition 0 of the default raw topic and of each tenant's: far apart offsets.
    counters.in(counters.marksFor(RAW, 0), 1_000);
    counters.firstOutcome(counters.marksFor(RAW, 0), 1_000).out();
    counters.in(counters.marksFor(RAW + ".acme", 0), 3);
    counters.firstOutcome(counters.marksFor(RAW + ".acme", 0), 3).out();

    assertThat(counters.inCount()).isEqualTo(2);
    assertThat(counters.outCount()).isEqualTo(2);
    assertThat(counters.highestSeen(new TopicPartition(RAW + ".acme", 0))).isEqualTo(3);
  }

  @Test
  void eachOutcomeIsCountedUnderTheTenantOfTheRawTopicItsRecordCameFrom() {
    FlowCounters.Marks acme = counters.marksFor(RAW + ".acme", 1);
    FlowCounters.Marks own = counters.marksFor(RAW, 1);
    for (long offset = 0; offset < 5; offset++) {
      counters.in(acme, offset);
    }
    counters.firstOutcome(acme, 0).out();
    counters.firstOutcome(acme, 1).update();
    counters.firstOutcome(acme, 2).duplicate();
    counters.firstOutcome(acme, 3).deleted(DeletionOutcome.REMOVED);
    counters.firstOutcome(acme, 4).deadLettered(DeadLetterStage.VALIDATE, "OUT_OF_RANGE");
    counters.in(own, 0);
    counters.firstOutcome(own, 0).out();

    assertThat(count("fhirflow.samples.in", "acme")).isEqualTo(5);
    assertThat(count("fhirflow.samples.out", "acme")).isEqualTo(1);
    assertThat(count("fhirflow.samples.updates", "acme")).isEqualTo(1);
    assertThat(count("fhirflow.samples.duplicates", "acme")).isEqualTo(1);
    assertThat(count("fhirflow.samples.deleted", "acme")).isEqualTo(1);
    assertThat(count("fhirflow.samples.dead.lettered", "acme")).isEqualTo(1);
    assertThat(count("fhirflow.samples.in", "default")).isEqualTo(1);
    assertThat(count("fhirflow.samples.out", "default")).isEqualTo(1);
    assertThat(counters.inCount()).isEqualTo(6);
    assertThat(counters.tenants()).containsExactlyInAnyOrder("default", "acme");
    // What Prometheus scrapes: the label, per tenant.
    assertThat(registry.scrape())
        .contains("fhirflow_samples_in_total{tenant=\"acme\"} 5.0")
        .contains("fhirflow_samples_in_total{tenant=\"default\"} 1.0")
        .containsPattern(
            "fhirflow_samples_dead_lettered_total\\{[^}]*reason=\"OUT_OF_RANGE\",[^}]*tenant=\"acme\"\\} 1\\.0");
  }

  @Test
  void theDefaultTenantsCountersExistBeforeItsFirstRecord() {
    assertThat(registry.scrape()).contains("fhirflow_samples_in_total{tenant=\"default\"} 0.0");
  }

  @Test
  void aRecordFromATopicThatIsNoRawTopicIsCountedUnderNoTenant() {
    counters
        .firstOutcome(counters.marksFor("fhirflow.erasure", 0), 0)
        .deadLettered(DeadLetterStage.PROCESS, "UNEXPECTED_ERROR");

    assertThat(count("fhirflow.samples.dead.lettered", FlowCounters.NO_TENANT)).isEqualTo(1);
  }

  private double count(String meter, String tenant) {
    return registry.find(meter).tag(TenantFlowCounters.TAG, tenant).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }
}
