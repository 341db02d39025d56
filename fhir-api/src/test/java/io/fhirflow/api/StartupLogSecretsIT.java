package io.fhirflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.api.devtoken.TokenMinter;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.testkit.ChildJvm;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.testkit.LocalServices;
import io.fhirflow.testkit.StartupLog;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The API started as deployed (its Main, in its own JVM) with credentials in every URL: none
 * reaches the output.
 */
class StartupLogSecretsIT {

  static final String DB_SECRET = "pg-S3cr3t-4b1";
  static final String REDIS_SECRET = "redis-S3cr3t-9c2";
  static final String KAFKA_SECRET = "jaas-S3cr3t-7d3";

  @Test
  void credentialsInUrlsAndSecretKeysNeverReachTheLog() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start()) {
      String topic = KafkaBroker.uniqueTopic(PipelineTopic.Names.AUDIT_EVENT);
      broker.createTopics(1, topic);
      Path jwks = Files.createTempFile("jwks", ".json");
      Files.writeString(jwks, TokenMinter.generate().publicJwks().toString());
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put(ApiConfig.HTTP_PORT_CONFIG, port);
      // trust authentication: PostgreSQL accepts the connection whatever the password says
      settings.put(
          ApiConfig.DB_URL_CONFIG,
          LocalServices.freshPostgresSchema("api_log") + "&password=" + DB_SECRET);
      settings.put(ApiConfig.DB_PASSWORD_CONFIG, DB_SECRET);
      settings.put(ApiConfig.REDIS_URL_CONFIG, "redis://fhirflow:" + REDIS_SECRET + "@127.0.0.1:1");
      settings.put(ApiConfig.JWKS_CONFIG, jwks);
      settings.put(ApiConfig.ISSUER_CONFIG, "https://issuer.test");
      settings.put(ApiConfig.AUDIENCE_CONFIG, "fhirflow-api-test");
      settings.put(ApiConfig.AUDIT_BOOTSTRAP_CONFIG, broker.bootstrapServers());
      settings.put(ApiConfig.AUDIT_TOPIC_CONFIG, topic);
      settings.put(ApiConfig.CURSOR_SECRET_CONFIG, "cursor-" + DB_SECRET);
      settings.put(
          "api.audit.kafka.sasl.jaas.config", KafkaBroker.plainJaasConfig("a", KAFKA_SECRET));
      Path config = ChildJvm.propertiesFile("fhir-api", settings);
      String output =
          StartupLog.untilReady(
              Main.class.getName(),
              o -> o.contains("fhir-api listening"),
              api -> {
                HttpResponse<String> ready =
                    HttpClient.newHttpClient()
                        .send(
                            HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + port + "/health/ready"))
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                assertThat(ready.body()).contains("\"redis\":\"DOWN\"");
              },
              config.toString());
      assertThat(output)
          .contains("fhir-api config")
          .contains("api.db.url=jdbc:postgresql://")
          .contains("api.redis.url=redis://[hidden]@127.0.0.1:1");
      assertThat(output).doesNotContain(DB_SECRET, REDIS_SECRET, KAFKA_SECRET);
    }
  }
}
