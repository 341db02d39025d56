package io.fhirflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.PipelineTopic;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start-up check that every topic read in the raw topic's tasks has its partition count. */
class CoPartitioningTest {

  private static final String RAW = PipelineTopic.Names.RAW;
  private static final String ERASURE = PipelineTopic.Names.ERASURE;

  private static java.util.List<String> check(Map<String, Integer> partitions) {
    return CoPartitioning.mismatches(
        RAW,
        TopologyConfig.TOPIC_RAW_CONFIG,
        ERASURE,
        TopologyConfig.TOPIC_ERASURE_CONFIG,
        partitions);
  }

  @Test
  void rawErasureAndTenantTopicsWithTheSameCountPass() {
    assertThat(check(Map.of(RAW, 12, ERASURE, 12, RAW + ".acme", 12, RAW + ".acme-labs", 12)))
        .isEmpty();
  }

  @Test
  void everyTenantTopicWithAnotherCountIsNamedWithItsTenantAndBothCounts() {
    assertThat(check(Map.of(RAW, 12, ERASURE, 12, RAW + ".acme", 6, RAW + ".beta", 24)))
        .containsExactly(
            "tenant acme's raw topic wearable.samples.raw.acme has 6 partitions,"
                + " wearable.samples.raw has 12: they must be equal (a tenant's records are read in"
                + " the tasks of the raw partitions); fhirflow tenant add creates it so",
            "tenant beta's raw topic wearable.samples.raw.beta has 24 partitions,"
                + " wearable.samples.raw has 12: they must be equal (a tenant's records are read in"
                + " the tasks of the raw partitions); fhirflow tenant add creates it so");
  }

  @Test
  void anErasureTopicWithAnotherCountIsNamedWithItsSetting() {
    assertThat(check(Map.of(RAW, 3, ERASURE, 6)))
        .singleElement()
        .asString()
        .startsWith(
            TopologyConfig.TOPIC_ERASURE_CONFIG
                + " (fhirflow.erasure.requests) has 6 partitions, "
                + TopologyConfig.TOPIC_RAW_CONFIG
                + " (wearable.samples.raw) has 3");
  }

  @Test
  void topicsThatAreNoTenantsRawTopicAreNotChecked() {
    // Not a tenant name after the dot, or no dot: another application's topics.
    assertThat(
            check(
                Map.of(RAW, 3, ERASURE, 3, RAW + ".Acme", 1, RAW + "-archive", 1, RAW + ".a.b", 1)))
        .isEmpty();
  }
}
