package io.fhirflow.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoggedConfigTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "jdbc:postgresql://db:5432/fhirflow?user=sink&password=s3cret&sslmode=require"
            + " | jdbc:postgresql://db:5432/fhirflow?user=sink&password=[hidden]&sslmode=require",
        "rediss://:s3cret@redis:6380/0 | rediss://[hidden]@redis:6380/0",
        "redis://s3cret@redis | redis://[hidden]@redis",
        "https://user:s3cret@registry-a:8081,https://user:s3cret@registry-b:8081"
            + " | https://[hidden]@registry-a:8081,https://[hidden]@registry-b:8081",
        "http://us%40er:p@ss@registry/path | http://[hidden]@registry/path",
        "http://127.0.0.1:8081 | http://127.0.0.1:8081"
      })
  void urlsKeepWhereTheyPointButNotTheirCredentials(String url, String logged) {
    assertThat(LoggedConfig.maskUrlCredentials(url)).isEqualTo(logged);
  }

  @Test
  void everyPasswordParameterOfAJdbcUrlIsHidden() {
    assertThat(
            LoggedConfig.maskUrlCredentials(
                "jdbc:postgresql://db/fhirflow?sslpassword=s3cret;password=s3cret"))
        .doesNotContain("s3cret");
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
