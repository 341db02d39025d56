package io.fhirflow.cli.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.contracts.PipelineTopic;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.junit.jupiter.api.Test;

class TenantResourcesTest {

  private final TenantResources acme =
      new TenantResources("acme", PipelineTopic.Names.RAW, PipelineTopic.Names.RAW_DEAD_LETTER);

  @Test
  void theGatewayMayOnlyWriteItsTopicAndTheDeadLetterTopicByLiteralName() {
    assertThat(acme.gatewayAcls())
        .allSatisfy(
            b -> {
              assertThat(b.pattern().patternType()).isEqualTo(PatternType.LITERAL);
              assertThat(b.entry().principal()).isEqualTo("User:gateway-acme");
              assertThat(b.entry().operation()).isEqualTo(AclOperation.WRITE);
            })
        .extracting(b -> b.pattern().name())
        .containsExactly("wearable.samples.raw.acme", PipelineTopic.Names.RAW_DEAD_LETTER);
  }

  @Test
  void strimziResourcesNameTheTopicTheUserAndTheSameAcls() {
    String yaml = acme.strimziYaml("fhirflow", 12, 3);
    assertThat(yaml)
        .contains("name: wearable-samples-raw-acme")
        .contains("topicName: wearable.samples.raw.acme")
        .contains("partitions: 12")
        .contains("message.timestamp.type: LogAppendTime")
        .contains("name: gateway-acme")
        .contains("type: scram-sha-512")
        .contains("{type: topic, name: wearable.samples.raw.acme, patternType: literal}");
  }

  @Test
  void theProducerQuotaIsTheGatewayUsersAndStrimziRendersItOnTheKafkaUser() {
    assertThat(acme.producerQuota(1_048_576L).entity().entries())
        .containsExactly(java.util.Map.entry("user", "gateway-acme"));
    assertThat(acme.producerQuota(1_048_576L).ops())
        .singleElement()
        .satisfies(
            op -> {
              assertThat(op.key()).isEqualTo("producer_byte_rate");
              assertThat(op.value()).isEqualTo(1_048_576.0);
            });

    String yaml = acme.strimziYaml("fhirflow", 12, 3, 1_048_576L);
    // spec.quotas, beside spec.authorization, in the KafkaUser (the last document).
    assertThat(yaml.substring(yaml.indexOf("kind: KafkaUser")))
        .contains("\nspec:\n")
        .contains("\n  quotas:\n    producerByteRate: 1048576\n");
    assertThat(acme.strimziYaml("fhirflow", 12, 3)).doesNotContain("quotas");
  }

  @Test
  void refusesANameThatIsNotATenantName() {
    assertThatThrownBy(() -> new TenantResources("Acme.Labs", "raw", "dlq"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
