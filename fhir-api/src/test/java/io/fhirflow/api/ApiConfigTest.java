package io.fhirflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiConfigTest {

  static final Map<String, String> REQUIRED = Map.of(ApiConfig.JWKS_CONFIG, "/jwks.json", ApiConfig.ISSUER_CONFIG, "i",
      ApiConfig.AUDIENCE_CONFIG, "a");

  @Test
  void environmentOverridesTheFileKeyByKey() {
    ApiConfig c = ApiConfig.of(REQUIRED, Map.of("API_HTTP_PORT", "9999", "API_AUDIT_KAFKA_SECURITY_PROTOCOL", "SSL"));
    assertThat(c.port()).isEqualTo(9999);
    assertThat(c.auditKafkaPassThrough()).containsEntry("security.protocol", "SSL");
  }

  @Test
  void missingRequiredKeysAndUnknownModesFailAtStart() {
    assertThatThrownBy(() -> ApiConfig.of(Map.of(), Map.of())).hasMessageContaining(ApiConfig.JWKS_CONFIG);
    assertThatThrownBy(() -> ApiConfig.of(merge(ApiConfig.AUDIT_FAILURE_MODE_CONFIG, "maybe"), Map.of()))
        .hasMessageContaining(ApiConfig.AUDIT_FAILURE_MODE_CONFIG);
    assertThatThrownBy(() -> ApiConfig.of(merge(ApiConfig.USER_SCOPES_WITHOUT_PATIENT_CONFIG, "yes"), Map.of()))
        .hasMessageContaining(ApiConfig.USER_SCOPES_WITHOUT_PATIENT_CONFIG);
    assertThatThrownBy(() -> ApiConfig.of(merge(ApiConfig.DEFAULT_COUNT_CONFIG, "5000"), Map.of()))
        .hasMessageContaining(ApiConfig.DEFAULT_COUNT_CONFIG);
  }

  @Test
  void userScopesWithoutPatientAreRefusedUnlessConfigured() {
    assertThat(ApiConfig.of(REQUIRED, Map.of()).userScopesForAllPatients()).isFalse();
    assertThat(ApiConfig.of(merge(ApiConfig.USER_SCOPES_WITHOUT_PATIENT_CONFIG, "all-patients"), Map.of()).userScopesForAllPatients()).isTrue();
  }

  @Test
  void secretsAreMaskedInTheDescription() {
    ApiConfig c = ApiConfig.of(merge(ApiConfig.DB_PASSWORD_CONFIG, "hunter2"), Map.of("API_AUDIT_KAFKA_SASL_JAAS_CONFIG", "secret-jaas"));
    assertThat(c.describe()).doesNotContain("hunter2").doesNotContain("secret-jaas").contains(ApiConfig.DB_PASSWORD_CONFIG + "=[hidden]");
    ApiConfig urls = ApiConfig.of(REQUIRED, Map.of("API_DB_URL", "jdbc:postgresql://db/fhirflow?user=api&password=hunter2",
        "API_REDIS_URL", "rediss://:hunter2@redis:6380"));
    assertThat(urls.describe()).doesNotContain("hunter2").contains(ApiConfig.REDIS_URL_CONFIG + "=rediss://[hidden]@redis:6380");
  }

  @Test
  void everyKeyIsDocumented() {
    assertThat(ApiConfig.KEYS).allSatisfy(k -> assertThat(k.doc()).isNotBlank());
  }

  private static Map<String, String> merge(String k, String v) {
    Map<String, String> m = new java.util.HashMap<>(REQUIRED);
    m.put(k, v);
    return m;
  }
}
