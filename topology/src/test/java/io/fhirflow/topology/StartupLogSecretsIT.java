package io.fhirflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.testkit.ChildJvm;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.testkit.StartupLog;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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
      Map<String, Object> settings = new HashMap<>(it.config());
      settings.put(
          TopologyConfig.SCHEMA_REGISTRY_URL_CONFIG,
          "http://registry-user:" + REGISTRY_SECRET + "@127.0.0.1:1");
      settings.put(
          TopologyConfig.METRICS_REDIS_URL_CONFIG,
          "redis://fhirflow:" + REDIS_SECRET + "@127.0.0.1:1");
      settings.put("kafka.sasl.jaas.config", KafkaBroker.plainJaasConfig("a", JAAS_SECRET));
      Path file = ChildJvm.propertiesFile("topology-secrets", settings);
      String output =
          StartupLog.untilReady(
              Main.class.getName(), o -> o.contains("to RUNNING"), file.toString());
      assertThat(output)
          .contains("fhirflow topology config")
          .contains("schema.registry.url=http://[hidden]@127.0.0.1:1");
      assertThat(output).doesNotContain(REGISTRY_SECRET, REDIS_SECRET, JAAS_SECRET);
    }
  }
}
