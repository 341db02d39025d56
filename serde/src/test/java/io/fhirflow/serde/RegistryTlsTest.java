package io.fhirflow.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.schema.WearableSample;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryTlsTest {

  private static final String SUBJECT = "wearable.samples.raw-value";

  @TempDir static Path dir;
  private static TestCertificates certificates;

  @BeforeAll
  static void makeCertificates() throws Exception {
    certificates = TestCertificates.create(dir);
  }

  /** A registry on https with the test certificate, asking for the client's if {@code mutual}. */
  private static ConfluentRegistryServer httpsServer(boolean mutual) throws Exception {
    return new ConfluentRegistryServer(null, certificates.serverContext(), mutual);
  }

  private static RestSchemaRegistryClient client(
      ConfluentRegistryServer server, boolean trustStore, boolean keyStore) {
    Map<String, Object> config =
        new HashMap<>(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, server.url()));
    if (trustStore) {
      config.put(SerdeConfig.SSL_TRUSTSTORE_LOCATION_CONFIG, certificates.trust().toString());
      config.put(SerdeConfig.SSL_TRUSTSTORE_PASSWORD_CONFIG, TestCertificates.PASSWORD);
    }
    if (keyStore) {
      config.put(SerdeConfig.SSL_KEYSTORE_LOCATION_CONFIG, certificates.identity().toString());
      config.put(SerdeConfig.SSL_KEYSTORE_PASSWORD_CONFIG, TestCertificates.PASSWORD);
    }
    return RestSchemaRegistryClient.fromConfig(new SerdeConfig(config));
  }

  @Test
  void talksToAnHttpsRegistryTrustedThroughTheConfiguredTrustStore() throws Exception {
    try (ConfluentRegistryServer server = httpsServer(false)) {
      assertThat(client(server, true, false).register(SUBJECT, WearableSample.getClassSchema()))
          .isPositive();
    }
  }

  @Test
  void refusesARegistryWhoseCertificateTheJvmDoesNotTrust() throws Exception {
    try (ConfluentRegistryServer server = httpsServer(false)) {
      assertThatThrownBy(
              () -> client(server, false, false).register(SUBJECT, WearableSample.getClassSchema()))
          .isInstanceOf(SchemaRegistryException.class)
          .hasMessageContaining("SSLHandshakeException");
      assertThat(server.totalRequests()).isZero();
    }
  }

  @Test
  void presentsTheClientCertificateToARegistryThatRequiresMutualTls() throws Exception {
    try (ConfluentRegistryServer server = httpsServer(true)) {
      assertThat(client(server, true, true).register(SUBJECT, WearableSample.getClassSchema()))
          .isPositive();
      assertThatThrownBy(() -> client(server, true, false).schemaById(1))
          .isInstanceOf(SchemaRegistryException.class);
    }
  }

  @Test
  void aTrustStoreWithTheWrongPasswordIsAConfigError() {
    Map<String, Object> config =
        Map.of(
            SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
            "https://127.0.0.1:1",
            SerdeConfig.SSL_TRUSTSTORE_LOCATION_CONFIG,
            certificates.trust().toString(),
            SerdeConfig.SSL_TRUSTSTORE_PASSWORD_CONFIG,
            "wrong");

    assertThatThrownBy(() -> RestSchemaRegistryClient.fromConfig(new SerdeConfig(config)))
        .isInstanceOf(ConfigException.class)
        .hasMessageNotContaining("wrong");
  }
}
