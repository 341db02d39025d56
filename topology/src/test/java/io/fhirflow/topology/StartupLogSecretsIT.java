package io.fhirflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.testkit.ChildJvm;
import io.fhirflow.testkit.KafkaBroker;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The topology started as deployed (its Main, in its own JVM) with credentials in every URL: none
 * reaches the output.
 */
class StartupLogSecretsIT {

  static final String REGISTRY_SECRET = "registry-S3cr3t-5e1";
  static final String REDIS_SECRET = "redis-S3cr3t-6f2";
  static final String JAAS_SECRET = "jaas-S3cr3t-8a3";

  @Test
  void credentialsInUrlsAndSecretKeysNeverReachTheLog() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start()) {
      ItSetup it = new ItSetup(broker, 1);
      Properties props = new Properties();
      it.config().forEach((k, v) -> props.setProperty(k, v.toString()));
      props.setProperty(
          TopologyConfig.SCHEMA_REGISTRY_URL_CONFIG,
          "http://registry-user:" + REGISTRY_SECRET + "@127.0.0.1:1");
      props.setProperty(
          TopologyConfig.METRICS_REDIS_URL_CONFIG,
          "redis://fhirflow:" + REDIS_SECRET + "@127.0.0.1:1");
      props.setProperty(
          "kafka.sasl.jaas.config",
          "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password=\""
              + JAAS_SECRET
              + "\";");
      Path file = Files.createTempFile("topology-secrets", ".properties");
      try (OutputStream out = Files.newOutputStream(file)) {
        props.store(out, null);
      }
      try (ChildJvm topology =
          ChildJvm.start(
              Main.class.getName(), ChildJvm.everythingAtInfo(), Map.of(), file.toString())) {
        assertThat(topology.awaitOutput(o -> o.contains("to RUNNING"), Duration.ofSeconds(240)))
            .as(topology.output())
            .isTrue();
        topology.close();
        String output = topology.output();
        assertThat(output)
            .contains("fhirflow topology config")
            .contains("schema.registry.url=http://[hidden]@127.0.0.1:1");
        for (String secret : List.of(REGISTRY_SECRET, REDIS_SECRET, JAAS_SECRET)) {
          assertThat(output).as(secret).doesNotContain(secret);
        }
      }
    }
  }
}
