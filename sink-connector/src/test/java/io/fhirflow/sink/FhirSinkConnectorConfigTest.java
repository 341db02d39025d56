package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.store.StoreTables;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class FhirSinkConnectorConfigTest {

  private static Map<String, String> minimal() {
    Map<String, String> props = new HashMap<>();
    props.put("connection.url", "jdbc:postgresql://db:5432/fhir?currentSchema=fhirflow");
    return props;
  }

  /** The minimal settings with {@code key} set to {@code value}. */
  private static Map<String, String> minimalWith(String key, String value) {
    Map<String, String> props = minimal();
    props.put(key, value);
    return props;
  }

  /** Asserts that {@code props} fail as a config error, for asserting on its message. */
  private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(
      Map<String, String> props) {
    return assertThatThrownBy(() -> new FhirSinkConnectorConfig(props))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void appliesDocumentedDefaults() {
    FhirSinkConnectorConfig config = new FhirSinkConnectorConfig(minimal());
    assertThat(config.batchSize()).isEqualTo(5000);
    assertThat(config.writeMethod()).isEqualTo(WriteMethod.UNNEST);
    assertThat(config.schemaMigrate()).isTrue();
    assertThat(config.connectionPassword()).isNull();
    assertThat(config.tableMapping())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                ResourceType.OBSERVATION, StoreTables.OBSERVATION,
                ResourceType.PATIENT, StoreTables.PATIENT,
                ResourceType.DEVICE, StoreTables.DEVICE));
  }

  @Test
  void rejectsAnUnknownWriteMethodAtStart() {
    assertRejected(minimalWith("write.method", "merge")).hasMessageContaining("write.method");
  }

  @Test
  void acceptsAWriteMethodInAnyCase() {
    assertThat(
            new FhirSinkConnectorConfig(minimalWith("write.method", "batched_insert"))
                .writeMethod())
        .isEqualTo(WriteMethod.BATCHED_INSERT);
  }

  @Test
  void rejectsAnUnknownResourceTypeInTheTableMapping() {
    assertRejected(
            minimalWith(
                "table.mapping", "Observation:" + StoreTables.OBSERVATION + ",Encounter:enc"))
        .hasMessageContaining("unknown resource type");
  }

  @Test
  void rejectsATableNameThatIsNotAPlainIdentifier() {
    assertRejected(minimalWith("table.mapping", "Observation:obs; drop table x"));
  }

  @Test
  void mapsOnlyTheListedResourceTypes() {
    assertThat(
            new FhirSinkConnectorConfig(
                    minimalWith("table.mapping", "observation:" + StoreTables.OBSERVATION))
                .tableMapping())
        .containsExactlyEntriesOf(Map.of(ResourceType.OBSERVATION, StoreTables.OBSERVATION));
  }

  @Test
  void refusesATableTheApiWouldNotRead() {
    // The API reads the store's tables only: a renamed one would be written and never read.
    assertRejected(minimalWith("table.mapping", "observation:analytics.obs"))
        .hasMessageContaining("renaming a table is not supported")
        .hasMessageContaining("Observation:" + StoreTables.OBSERVATION);
    assertRejected(
            minimalWith(
                "table.mapping", "Observation:" + StoreTables.OBSERVATION + ",Patient:people"))
        .hasMessageContaining("Patient:" + StoreTables.PATIENT);
  }

  @Test
  void requiresAPostgresUrl() {
    assertRejected(Map.of()).hasMessageContaining("connection.url");
    assertRejected(Map.of("connection.url", "jdbc:mysql://x/y"))
        .hasMessageContaining("jdbc:postgresql:");
  }

  @Test
  void rejectsABackoffCapBelowTheInitialBackoff() {
    Map<String, String> props = minimal();
    props.put("retry.backoff.ms", "5000");
    props.put("retry.backoff.max.ms", "1000");
    assertRejected(props).hasMessageContaining("retry.backoff.max.ms");
  }

  @Test
  void logsTheEffectiveConfigWithEverySecretMasked() {
    Map<String, String> props = minimal();
    props.put("connection.url", "jdbc:postgresql://db/fhir?user=sink&password=hunter2&ssl=true");
    props.put("connection.password", "s3cret");
    String line = new FhirSinkConnectorConfig(props).effectiveConfigForLog();
    assertThat(line)
        .doesNotContain("hunter2")
        .doesNotContain("s3cret")
        .contains("connection.password=[hidden]")
        .contains("password=[hidden]&ssl=true")
        .contains("batch.size=5000");
    props.put("connection.url", "jdbc:postgresql://sink:hunter2@db/fhir");
    assertThat(new FhirSinkConnectorConfig(props).effectiveConfigForLog())
        .doesNotContain("hunter2")
        .contains("connection.url=jdbc:postgresql://[hidden]@db/fhir");
  }

  @Test
  void documentsEveryKey() {
    FhirSinkConnectorConfig.CONFIG_DEF
        .configKeys()
        .values()
        .forEach(key -> assertThat(key.documentation).as(key.name).isNotBlank());
  }
}
