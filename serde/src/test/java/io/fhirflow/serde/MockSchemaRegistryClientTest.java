package io.fhirflow.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.schema.WearableSample;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class MockSchemaRegistryClientTest {

  private static final Schema SCHEMA = WearableSample.getClassSchema();
  private static final Schema NEWER =
      SpecificAvroSerdeTest.withExtraOptionalField(SCHEMA, "gatewayId");
  private static final Schema OTHER =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");

  private final MockSchemaRegistryClient registry = new MockSchemaRegistryClient();

  @Test
  void theSameSchemaGetsTheSameIdUnderEverySubject() {
    int id = registry.register("a-value", SCHEMA);

    assertThat(registry.register("b-value", SCHEMA)).isEqualTo(id);
    assertThat(registry.register("a-value", SCHEMA)).isEqualTo(id);
    assertThat(registry.latestVersion("a-value").version()).isEqualTo(1);
  }

  @Test
  void compatibleSchemasBecomeNewVersions() {
    int first = registry.register("a-value", SCHEMA);
    int second = registry.register("a-value", NEWER);

    assertThat(second).isNotEqualTo(first);
    assertThat(registry.latestVersion("a-value"))
        .isEqualTo(new RegisteredSchema("a-value", second, 2, NEWER));
    assertThat(registry.lookup("a-value", SCHEMA).version()).isEqualTo(1);
  }

  @Test
  void anIncompatibleSchemaIsRejectedLikeConfluentDoes() {
    registry.register("a-value", SCHEMA);

    assertThat(registry.isCompatibleWithLatest("a-value", OTHER)).isFalse();
    assertThatThrownBy(() -> registry.register("a-value", OTHER))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
            });
  }

  @Test
  void missingThingsAnswerWithConfluentsErrorCodes() {
    registry.register("a-value", SCHEMA);

    assertThatThrownBy(() -> registry.schemaById(99))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    assertThatThrownBy(() -> registry.latestVersion("b-value"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
    assertThatThrownBy(() -> registry.lookupId("a-value", OTHER))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.isNotFound()).isTrue());
  }

  @Test
  void aMockUrlSelectsTheSharedRegistryOfItsScope() {
    String scope = "scope-" + UUID.randomUUID();
    try {
      SchemaRegistryClient viaUrl =
          SchemaRegistryClient.fromConfig(
              Map.of(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "mock://" + scope));

      assertThat(viaUrl).isSameAs(MockSchemaRegistryClient.forScope(scope));
      viaUrl.register("a-value", SCHEMA);
      MockSchemaRegistryClient.dropScope(scope);
      assertThat(MockSchemaRegistryClient.forScope(scope).isCompatibleWithLatest("a-value", OTHER))
          .isTrue();
    } finally {
      MockSchemaRegistryClient.dropScope(scope);
    }
  }
}
