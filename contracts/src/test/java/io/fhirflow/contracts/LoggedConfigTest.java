package io.fhirflow.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoggedConfigTest {

  @Test
  void urlsKeepWhereTheyPointButNotTheirCredentials() {
    assertThat(
            LoggedConfig.maskUrlCredentials(
                "jdbc:postgresql://db:5432/fhirflow?user=sink&password=s3cret&sslmode=require"))
        .isEqualTo(
            "jdbc:postgresql://db:5432/fhirflow?user=sink&password=[hidden]&sslmode=require");
    assertThat(
            LoggedConfig.maskUrlCredentials(
                "jdbc:postgresql://db/fhirflow?sslpassword=s3cret;password=s3cret"))
        .doesNotContain("s3cret");
    assertThat(LoggedConfig.maskUrlCredentials("rediss://:s3cret@redis:6380/0"))
        .isEqualTo("rediss://[hidden]@redis:6380/0");
    assertThat(LoggedConfig.maskUrlCredentials("redis://s3cret@redis"))
        .isEqualTo("redis://[hidden]@redis");
    assertThat(
            LoggedConfig.maskUrlCredentials(
                "https://user:s3cret@registry-a:8081,https://user:s3cret@registry-b:8081"))
        .isEqualTo("https://[hidden]@registry-a:8081,https://[hidden]@registry-b:8081");
    assertThat(LoggedConfig.maskUrlCredentials("http://us%40er:p@ss@registry/path"))
        .isEqualTo("http://[hidden]@registry/path");
    assertThat(LoggedConfig.maskUrlCredentials("http://127.0.0.1:8081"))
        .isEqualTo("http://127.0.0.1:8081");
  }

  @Test
  void secretNamedKeysAreHiddenWholeAndOthersShownAsTheyAre() {
    assertThat(LoggedConfig.value("api.db.password", "s3cret")).isEqualTo(LoggedConfig.HIDDEN);
    assertThat(LoggedConfig.value("kafka.sasl.jaas.config", "x required password=\"s3cret\";"))
        .isEqualTo(LoggedConfig.HIDDEN);
    assertThat(LoggedConfig.value("basic.auth.user.info", "u:s3cret"))
        .isEqualTo(LoggedConfig.HIDDEN);
    assertThat(LoggedConfig.value("kafka.ssl.keystore.key", "-----BEGIN PRIVATE KEY-----"))
        .isEqualTo(LoggedConfig.HIDDEN);
    assertThat(LoggedConfig.value("kafka.ssl.key.password", "s3cret"))
        .isEqualTo(LoggedConfig.HIDDEN);
    assertThat(LoggedConfig.value("api.db.password", "")).isEmpty();
    assertThat(LoggedConfig.value("api.redis.key.prefix", "fhirflow:")).isEqualTo("fhirflow:");
    assertThat(LoggedConfig.value("batch.size", 500)).isEqualTo("500");
    assertThat(LoggedConfig.value("api.db.url", "jdbc:postgresql://db/x?password=s3cret"))
        .doesNotContain("s3cret");
  }
}
