package io.fhirflow.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.api.ApiConfig;
import io.fhirflow.contracts.ConfigSources;
import io.fhirflow.topology.TopologyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is generated from the code, and a stale committed copy fails the build: a
 * reference rewritten silently during the test run (as it once was) left the committed file wrong
 * on every fresh clone with nothing to say so. {@code -Dfhirflow.docs.write=true} regenerates it
 * (then commit the change).
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
        .as(
            "docs/configuration.md is stale: regenerate it with "
                + ConfigurationReference.REGENERATE
                + ", and commit it")
        .isEqualTo(generated);
    assertThat(generated)
        .contains(
            "`dedupe.retention.ms`",
            "`connection.url`",
            "`api.http.port`",
            "`schema.registry.url`",
            "`--users`");
  }

  @Test
  void aValidatorWithoutAStableDescriptionFailsTheReferenceNamingItsKey() {
    ConfigDef.Validator lambda = (name, value) -> {};
    ConfigDef.Validator anonymous =
        new ConfigDef.Validator() {
          @Override
          public void ensureValid(String name, Object value) {}
        };
    for (ConfigDef.Validator validator : List.of(lambda, anonymous)) {
      ConfigDef def =
          new ConfigDef()
              .define(
                  "some.key", ConfigDef.Type.INT, 1, validator, ConfigDef.Importance.LOW, "doc");
      assertThatThrownBy(
              () -> ConfigurationReference.section(new StringBuilder(), "t", def, k -> ""))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'some.key'")
          .hasMessageContaining("no stable description");
    }
    assertThat(ConfigurationReference.validValues("some.key", ConfigDef.Range.between(1, 5)))
        .isEqualTo("[1,...,5]");
  }

  @Test
  void everyTopologyAndApiVariableTheManifestsSetIsAKey() throws Exception {
    for (String dir : new String[] {"k8s/overlays/dev", "k8s/overlays/prod"}) {
      for (var doc : KubernetesManifestsTest.rendered(dir)) {
        for (var env : doc.findValues("env")) {
          for (var e : env) {
            String name = e.path("name").asText();
            assertThat(name)
                .as(dir + ": the API's old environment rule is refused at start")
                .doesNotStartWith("API_");
            for (ConfigSources process : List.of(TopologyConfig.SOURCES, ApiConfig.SOURCES)) {
              if (name.startsWith(process.environmentPrefix())) {
                assertThatCode(() -> process.fromEnvironment(Map.of(name, "x")))
                    .as(dir + " " + name)
                    .doesNotThrowAnyException();
              }
            }
          }
        }
      }
    }
  }
}
