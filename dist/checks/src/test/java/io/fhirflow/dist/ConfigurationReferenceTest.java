package io.fhirflow.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.api.ApiConfig;
import io.fhirflow.contracts.ConfigSources;
import io.fhirflow.sink.FhirSinkConnectorConfig;
import io.fhirflow.sink.standalone.StandaloneSink;
import io.fhirflow.topology.TopologyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.streams.StreamsConfig;
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

  /** How each file in config/ is read: the definitions its keys are judged by. */
  static final Map<String, DefaultValuedKeys> CONFIG_FILES =
      Map.of(
          "topology.properties",
          new DefaultValuedKeys()
              .declaredBy(TopologyConfig.CONFIG_DEF)
              .prefixed(TopologyConfig.KAFKA_PREFIX, StreamsConfig.configDef()),
          "fhir-api.properties",
          new DefaultValuedKeys()
              .declaredBy(ApiConfig.CONFIG_DEF)
              .prefixed(ApiConfig.AUDIT_KAFKA_PREFIX, ProducerConfig.configDef()),
          "fhir-sink-connector.properties",
          new DefaultValuedKeys()
              .declaredBy(FhirSinkConnectorConfig.CONFIG_DEF)
              .declaredBy(SinkConnectorConfig.configDef())
              .prefixed("consumer.override.", ConsumerConfig.configDef())
              .prefixed("producer.override.", ProducerConfig.configDef()),
          "sink-standalone.properties",
          new DefaultValuedKeys()
              .declaredBy(StandaloneSink.CONFIG_DEF)
              .parsedBy(props -> new StandaloneConfig(props).values())
              .prefixed("consumer.", ConsumerConfig.configDef())
              .prefixed("producer.", ProducerConfig.configDef()),
          "sink-distributed.properties",
          new DefaultValuedKeys()
              .parsedBy(props -> new DistributedConfig(props).values())
              .prefixed("consumer.", ConsumerConfig.configDef())
              .prefixed("producer.", ProducerConfig.configDef()));

  @Test
  void noFileInConfigSetsAKeyToItsDefault() throws Exception {
    Path dir = RepositoryRoot.find().resolve("config");
    Set<String> files;
    try (Stream<Path> listed = Files.list(dir)) {
      files = listed.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
    assertThat(CONFIG_FILES.keySet())
        .as("every file in config/ is checked: say how a new one is read")
        .containsExactlyInAnyOrderElementsOf(files);
    Map<String, Map<String, String>> atDefault = new TreeMap<>();
    for (String file : files) {
      Map<String, String> found = CONFIG_FILES.get(file).in(read(dir.resolve(file)));
      if (!found.isEmpty()) {
        atDefault.put(file, found);
      }
    }
    assertThat(atDefault)
        .as(
            "keys set to their default in config/ (a file holds only what differs from the defaults)")
        .isEmpty();
  }

  private static Map<String, String> read(Path file) throws IOException {
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      props.load(in);
    }
    Map<String, String> keys = new TreeMap<>();
    props.stringPropertyNames().forEach(k -> keys.put(k, props.getProperty(k).trim()));
    return keys;
  }
}
