package io.fhirflow.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.contracts.PipelineTopic;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class StackConfigTest {

  @Test
  void mapsEveryKeyOntoItsFhirflowEnvironmentVariable() {
    StackConfig config =
        StackConfig.fromEnvironment(
            Map.of(
                "FHIRFLOW_STACK_KAFKA_PORT",
                "19092",
                "FHIRFLOW_STACK_REGISTRY_PORT",
                "18081",
                "FHIRFLOW_STACK_WORK_DIR",
                "/tmp/w",
                "UNRELATED",
                "x"));

    assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:19092");
    assertThat(config.registryUrl()).isEqualTo("http://127.0.0.1:18081");
    assertThat(config.workDir()).isEqualTo(Path.of("/tmp/w"));
    assertThat(StackConfig.SOURCES.environmentVariableFor(StackConfig.KAFKA_CONTROLLER_PORT_CONFIG))
        .isEqualTo("FHIRFLOW_STACK_KAFKA_CONTROLLER_PORT");
  }

  @Test
  void refusesAStackVariableThatNamesNoKeyAndTheNamesUsedBeforeTheCommonRule() {
    assertThatThrownBy(
            () -> StackConfig.fromEnvironment(Map.of("FHIRFLOW_STACK_KAFKA_PROT", "19092")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("FHIRFLOW_STACK_KAFKA_PROT");
    // A script still exporting the old name would otherwise get the default port, silently.
    assertThatThrownBy(() -> StackConfig.fromEnvironment(Map.of("FHIRFLOW_KAFKA_PORT", "19092")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("FHIRFLOW_STACK_KAFKA_PORT");
    // The launchers' own names are never keys.
    assertThat(StackConfig.fromEnvironment(Map.of("FHIRFLOW_STACK_CONFIG_FILE", "x")).kafkaPort())
        .isEqualTo(9092);
  }

  @Test
  void defaultsToTheDocumentedPorts() {
    StackConfig config = StackConfig.fromEnvironment(Map.of());

    assertThat(config.kafkaPort()).isEqualTo(9092);
    assertThat(config.kafkaControllerPort()).isEqualTo(9093);
    assertThat(config.registryPort()).isEqualTo(8081);
    assertThat(config.registryTopic()).isEqualTo("_schemas");
  }

  @Test
  void createsTheRawTopicsOfTwoTenantsByDefaultAndOfThoseFhirflowTenantsNames() {
    assertThat(StackConfig.fromEnvironment(Map.of()).tenants()).containsExactly("default", "acme");
    assertThat(StackTopics.withTenants(StackConfig.fromEnvironment(Map.of()).tenants()))
        .extracting(StackTopics.Topic::name)
        .contains(PipelineTopic.Names.RAW, "wearable.samples.raw.acme")
        .doesNotHaveDuplicates();

    StackConfig three =
        StackConfig.fromEnvironment(Map.of("FHIRFLOW_STACK_TENANTS", "default, acme,clinic-2"));
    assertThat(three.tenants()).containsExactly("default", "acme", "clinic-2");
    StackTopics.Topic clinic =
        StackTopics.withTenants(three.tenants()).stream()
            .filter(t -> t.name().equals("wearable.samples.raw.clinic-2"))
            .findFirst()
            .orElseThrow();
    // A tenant's raw topic is configured like the raw topic: the broker stamps its time.
    assertThat(clinic.brokerStampsTime()).isTrue();
    assertThat(clinic.compacted()).isFalse();
  }

  @Test
  void rejectsATenantThatIsNoTenantName() {
    assertThatThrownBy(
            () -> StackConfig.fromEnvironment(Map.of("FHIRFLOW_STACK_TENANTS", "default,Acme")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Acme");
  }

  @Test
  void rejectsAPortThatIsNotOne() {
    assertThatThrownBy(
            () -> StackConfig.fromEnvironment(Map.of("FHIRFLOW_STACK_KAFKA_PORT", "70000")))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(
            () -> StackConfig.fromEnvironment(Map.of("FHIRFLOW_STACK_REGISTRY_PORT", "http")))
        .isInstanceOf(ConfigException.class);
  }
}
