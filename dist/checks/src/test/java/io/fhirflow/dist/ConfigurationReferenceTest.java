package io.fhirflow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is generated from the code. A stale file is rewritten in place (commit the
 * change) rather than failing the build, so another module's new key never blocks CI; with
 * {@code -Dfhirflow.docs.strict=true} a stale file fails instead.
 */
class ConfigurationReferenceTest {

  static final Path DOC = RepositoryRoot.find().resolve("docs/configuration.md");

  @Test
  void theConfigurationReferenceMatchesTheCodesConfigDefinitions() throws Exception {
    String generated = ConfigurationReference.render();
    boolean current = Files.exists(DOC) && Files.readString(DOC).equals(generated);
    if (Boolean.getBoolean("fhirflow.docs.strict")) {
      assertThat(current).as("docs/configuration.md is stale: run this test without -Dfhirflow.docs.strict and commit it").isTrue();
    } else if (!current) {
      Files.writeString(DOC, generated);
    }
    assertThat(Files.readString(DOC)).isEqualTo(generated);
    assertThat(generated).contains("`dedupe.retention.ms`", "`connection.url`", "`api.http.port`", "`schema.registry.url`", "`--users`");
  }

  @Test
  void everyTopologyAndApiVariableTheManifestsSetIsADeclaredKey() throws Exception {
    for (String dir : new String[] {"k8s/overlays/dev", "k8s/overlays/prod"}) {
      for (var doc : KubernetesManifestsTest.rendered(dir)) {
        for (var env : doc.findValues("env")) {
          for (var e : env) {
            String name = e.path("name").asText();
            if (name.startsWith(io.fhirflow.topology.TopologyConfig.ENV_PREFIX)) {
              assertThat(io.fhirflow.topology.TopologyConfig.CONFIG_DEF.names().stream()
                  .map(io.fhirflow.topology.TopologyConfig::environmentVariableFor)).as(dir).contains(name);
            }
            if (name.startsWith("API_") && !name.startsWith("API_AUDIT_KAFKA_")) {
              assertThat(io.fhirflow.api.ApiConfig.KEYS.stream().map(io.fhirflow.api.ApiConfig.Key::envName)).as(dir).contains(name);
            }
          }
        }
      }
    }
  }
}
