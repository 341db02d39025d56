package io.fhirflow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is generated from the code, and a stale committed copy fails the build: a
 * reference rewritten silently during the test run (as it once was) left the committed file wrong on
 * every fresh clone with nothing to say so. {@code -Dfhirflow.docs.write=true} regenerates it (then
 * commit the change).
 */
class ConfigurationReferenceTest {

  static final Path DOC = RepositoryRoot.find().resolve("docs/configuration.md");

  @Test
  void theConfigurationReferenceMatchesTheCodesConfigDefinitions() throws Exception {
    String generated = ConfigurationReference.render();
    if (Boolean.getBoolean("fhirflow.docs.write")) {
      Files.writeString(DOC, generated);
    }
    assertThat(Files.exists(DOC) ? Files.readString(DOC) : "")
        .as("docs/configuration.md is stale: regenerate it with"
            + " mvn -pl dist/checks -am verify -Dtest=ConfigurationReferenceTest -Dfhirflow.docs.write=true"
            + " -Dsurefire.failIfNoSpecifiedTests=false -DskipITs, and commit it")
        .isEqualTo(generated);
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
