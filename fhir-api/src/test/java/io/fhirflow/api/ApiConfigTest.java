package io.fhirflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiConfigTest {

  static final Map<String, String> REQUIRED =
      Map.of(
          ApiConfig.JWKS_CONFIG,
          "/jwks.json",
          ApiConfig.ISSUER_CONFIG,
          "i",
          ApiConfig.AUDIENCE_CONFIG,
          "a");

  @TempDir Path dir;

  @Test
  void environmentOverridesTheFileKeyByKey() throws Exception {
    Path file =
        write(
            "api.http.port=7000\napi.auth.jwks=/jwks.json\napi.auth.issuer=i\napi.auth.audience=a\n");
    ApiConfig c =
        ApiConfig.load(
            file,
            Map.of(
                "FHIRFLOW_API_HTTP_PORT",
                "9999",
                "FHIRFLOW_API_AUDIT_KAFKA_SECURITY_PROTOCOL",
                "SSL"));
    assertThat(c.port()).isEqualTo(9999);
    assertThat(c.auditKafkaPassThrough()).containsEntry("security.protocol", "SSL");
    assertThat(ApiConfig.load(file, Map.of()).port()).isEqualTo(7000);
  }

  @Test
  void theShippedFileRunsAsItIs() {
    ApiConfig c = ApiConfig.load(Path.of("..", "config", "fhir-api.properties"), Map.of());
    assertThat(c.getString(ApiConfig.DB_URL_CONFIG)).contains("currentSchema=fhirflow");
  }

  @Test
  void missingRequiredKeysAndUnknownModesFailAtStart() {
    assertThatThrownBy(() -> ApiConfig.of(Map.of(), Map.of()))
        .hasMessageContaining(ApiConfig.JWKS_CONFIG);
    assertThatThrownBy(() -> ApiConfig.of(merge(ApiConfig.JWKS_CONFIG, " "), Map.of()))
        .hasMessageContaining(ApiConfig.JWKS_CONFIG);
    assertThatThrownBy(
            () -> ApiConfig.of(merge(ApiConfig.AUDIT_FAILURE_MODE_CONFIG, "maybe"), Map.of()))
        .hasMessageContaining(ApiConfig.AUDIT_FAILURE_MODE_CONFIG);
    assertThatThrownBy(
            () ->
                ApiConfig.of(merge(ApiConfig.USER_SCOPES_WITHOUT_PATIENT_CONFIG, "yes"), Map.of()))
        .hasMessageContaining(ApiConfig.USER_SCOPES_WITHOUT_PATIENT_CONFIG);
    assertThatThrownBy(() -> ApiConfig.of(merge(ApiConfig.DEFAULT_COUNT_CONFIG, "5000"), Map.of()))
        .hasMessageContaining(ApiConfig.DEFAULT_COUNT_CONFIG);
    assertThatThrownBy(() -> ApiConfig.of(merge(ApiConfig.HTTP_PORT_CONFIG, "http"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ApiConfig.HTTP_PORT_CONFIG);
  }

  @Test
  void unknownKeysAndVariablesAreRefusedNamingThem() throws Exception {
    assertThatThrownBy(
            () -> ApiConfig.load(write("api.db.urll=jdbc:postgresql://db/x\n"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("api.db.urll")
        .hasMessageContaining("docs/configuration.md");
    assertThatThrownBy(() -> ApiConfig.of(REQUIRED, Map.of("FHIRFLOW_API_DB_URLL", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("FHIRFLOW_API_DB_URLL");
    assertThatThrownBy(() -> ApiConfig.of(merge("search.max.count", "5"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("search.max.count");
  }

  /**
   * The API's first environment rule (API_HTTP_PORT) is refused with the variable to set instead,
   * never ignored.
   */
  @Test
  void aVariableOfTheOldRuleNamesItsReplacement() {
    assertThatThrownBy(() -> ApiConfig.of(REQUIRED, Map.of("API_SEARCH_CURSOR_SECRET", "s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("API_SEARCH_CURSOR_SECRET")
        .hasMessageContaining("FHIRFLOW_API_SEARCH_CURSOR_SECRET");
    assertThatThrownBy(
            () -> ApiConfig.of(REQUIRED, Map.of("API_AUDIT_KAFKA_SECURITY_PROTOCOL", "SSL")))
        .hasMessageContaining("FHIRFLOW_API_AUDIT_KAFKA_SECURITY_PROTOCOL");
    // Not an API key (a benchmark script's own variable): none of the API's business.
    assertThat(ApiConfig.of(REQUIRED, Map.of("API_BENCH_PORT", "1")).port()).isEqualTo(8080);
  }

  @Test
  void theLaunchersVariablesAreNoKeys() throws Exception {
    Path file = write("api.auth.jwks=/jwks.json\napi.auth.issuer=i\napi.auth.audience=a\n");
    ApiConfig c =
        ApiConfig.load(
            file, Map.of("FHIRFLOW_API_CONFIG_FILE", file.toString(), "FHIRFLOW_API_PORT", "8090"));
    assertThat(c.port()).isEqualTo(8080);
  }

  @Test
  void aValueMayReferenceASecretInAFile() throws Exception {
    Path secrets = write("password=from-the-file\n");
    ApiConfig c =
        ApiConfig.of(
            merge(ApiConfig.DB_PASSWORD_CONFIG, "${file:" + secrets + ":password}"), Map.of());
    assertThat(c.secret(ApiConfig.DB_PASSWORD_CONFIG)).isEqualTo("from-the-file");
  }

  @Test
  void userScopesWithoutPatientAreRefusedUnlessConfigured() {
    assertThat(ApiConfig.of(REQUIRED, Map.of()).userScopesForAllPatients()).isFalse();
    assertThat(
            ApiConfig.of(
                    merge(ApiConfig.USER_SCOPES_WITHOUT_PATIENT_CONFIG, "all-patients"), Map.of())
                .userScopesForAllPatients())
        .isTrue();
    assertThat(
            ApiConfig.of(merge(ApiConfig.AUDIT_FAILURE_MODE_CONFIG, "OPEN"), Map.of())
                .auditFailClosed())
        .isFalse();
    assertThat(ApiConfig.of(REQUIRED, Map.of()).auditFailClosed()).isTrue();
  }

  @Test
  void secretsAreMaskedInTheDescription() {
    ApiConfig c =
        ApiConfig.of(
            merge(ApiConfig.DB_PASSWORD_CONFIG, "hunter2"),
            Map.of("FHIRFLOW_API_AUDIT_KAFKA_SASL_JAAS_CONFIG", "secret-jaas"));
    assertThat(c.describe())
        .doesNotContain("hunter2")
        .doesNotContain("secret-jaas")
        .contains(ApiConfig.DB_PASSWORD_CONFIG + "=[hidden]");
    ApiConfig urls =
        ApiConfig.of(
            REQUIRED,
            Map.of(
                "FHIRFLOW_API_DB_URL",
                "jdbc:postgresql://db/fhirflow?user=api&password=hunter2",
                "FHIRFLOW_API_REDIS_URL",
                "rediss://:hunter2@redis:6380"));
    assertThat(urls.describe())
        .doesNotContain("hunter2")
        .contains(ApiConfig.REDIS_URL_CONFIG + "=rediss://[hidden]@redis:6380");
  }

  @Test
  void everyKeyIsDocumentedAndFollowsTheEnvironmentRule() {
    assertThat(ApiConfig.CONFIG_DEF.configKeys().values())
        .allSatisfy(k -> assertThat(k.documentation).isNotBlank());
    assertThat(ApiConfig.SOURCES.environmentVariableFor(ApiConfig.HTTP_PORT_CONFIG))
        .isEqualTo("FHIRFLOW_API_HTTP_PORT");
  }

  private Path write(String text) throws Exception {
    Path f = Files.createTempFile(dir, "api", ".properties");
    Files.writeString(f, text);
    return f;
  }

  private static Map<String, String> merge(String k, String v) {
    Map<String, String> m = new java.util.HashMap<>(REQUIRED);
    m.put(k, v);
    return m;
  }
}
