package io.fhirflow.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SerdeConfigTest {

  /** A config for a mock registry with one more key. */
  private static SerdeConfig withMockRegistry(String key, String value) {
    return new SerdeConfig(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "mock://x", key, value));
  }

  @Test
  void defaultsFollowConfluent() {
    SerdeConfig config =
        new SerdeConfig(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://registry:8081"));

    assertThat(config.autoRegisterSchemas()).isTrue();
    assertThat(config.useLatestVersion()).isFalse();
    assertThat(config.credentialsSource()).isEqualTo(SerdeConfig.CredentialsSource.URL);
    assertThat(config.latestCacheTtlSeconds()).isEqualTo(-1);
  }

  @Test
  void rejectsSubjectNameStrategiesOtherThanTopicName() {
    assertThatThrownBy(
            () ->
                withMockRegistry(
                    SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY_CONFIG,
                    "io.confluent.kafka.serializers.subject.RecordNameStrategy"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TopicNameStrategy");
  }

  @Test
  void rejectsAnUnknownCredentialsSource() {
    assertThatThrownBy(
            () ->
                withMockRegistry(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, "SASL_INHERIT"))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void aSerdeWithoutRegistryUrlFailsAtConfigure() {
    assertThatThrownBy(() -> new SpecificAvroSerializer<>().configure(Map.of(), false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG);
  }
}
