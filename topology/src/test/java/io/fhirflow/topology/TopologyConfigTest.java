package io.fhirflow.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.topology.deadletter.DeadLetterOnProcessingError;
import io.fhirflow.topology.deadletter.FailOnProductionError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopologyConfigTest {

  @TempDir Path dir;

  @Test
  void theShippedPropertiesFileLoadsWithTheDocumentedDefaults() {
    TopologyConfig config =
        TopologyConfig.load(Path.of("..", "config", "topology.properties"), Map.of());

    assertThat(config.topics()).isEqualTo(Topics.defaults());
    assertThat(config.settings().dedupeRetention()).hasHours(48);
    assertThat(config.settings().redisKeyPrefix()).isEqualTo("fhirflow:");
  }

  @Test
  void anEnvironmentVariableOverridesTheFileOneToOne() throws Exception {
    Path file = write("dedupe.retention.ms=1000000\ntopic.raw=from-file\n");

    TopologyConfig config =
        TopologyConfig.load(file, Map.of("FHIRFLOW_TOPOLOGY_TOPIC_RAW", "from-env"));

    assertThat(config.topics().raw()).isEqualTo("from-env");
    assertThat(config.getLong(TopologyConfig.DEDUPE_RETENTION_MS_CONFIG)).isEqualTo(1_000_000L);
    assertThat(TopologyConfig.environmentVariableFor("metrics.redis.key.prefix"))
        .isEqualTo("FHIRFLOW_TOPOLOGY_METRICS_REDIS_KEY_PREFIX");
  }

  @Test
  void kafkaKeysPassThroughFromFileAndEnvironmentButTheGuaranteeAndErrorHandlersArePinned()
      throws Exception {
    Path file = write("kafka.commit.interval.ms=250\n");

    Properties streams =
        TopologyConfig.load(file, Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL"))
            .streamsProperties(null);

    assertThat(streams.get("commit.interval.ms")).isEqualTo("250");
    assertThat(streams.get("security.protocol")).isEqualTo("SASL_SSL");
    assertThat(streams.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(streams.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG))
        .isEqualTo(FailOnProductionError.class);
    assertThat(streams.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG))
        .isEqualTo(DeadLetterOnProcessingError.class);
  }

  /**
   * Issue 12, item 5: no kafka.* key can choose a handler that drops records (or at-least-once).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "production.exception.handler=org.apache.kafka.streams.errors.LogAndContinueProductionExceptionHandler",
        "default.production.exception.handler=org.apache.kafka.streams.errors.LogAndContinueProductionExceptionHandler",
        "processing.exception.handler=org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler",
        "deserialization.exception.handler=org.apache.kafka.streams.errors.LogAndContinueExceptionHandler",
        "default.deserialization.exception.handler=org.apache.kafka.streams.errors.LogAndContinueExceptionHandler",
        "errors.dead.letter.queue.topic.name=elsewhere",
        "processing.guarantee=at_least_once"
      })
  void aKafkaKeyThatWouldChooseHowFailedRecordsAreHandledIsRefusedAtStart(String setting)
      throws Exception {
    Path file = write("kafka." + setting + "\n");
    String key = setting.substring(0, setting.indexOf('='));

    assertLoadFails(file, Map.of(), "kafka." + key, "cannot be set");
    String env = "KAFKA_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
    assertLoadFails(null, Map.of(env, "x"), "kafka." + key);
  }

  @Test
  void theProducerLingersPastTheCommitIntervalUnlessAKafkaKeySaysOtherwise() throws Exception {
    Properties byDefault = streamsPropertiesOf("");
    Properties slowCommit = streamsPropertiesOf("kafka.commit.interval.ms=30000\n");
    Properties told = streamsPropertiesOf("kafka.linger.ms=7\nkafka.producer.batch.size=1024\n");

    // Batches leave when full or flushed by the commit, never for their age mid-transaction.
    assertThat(byDefault.get("producer.linger.ms")).isEqualTo(10_000L);
    assertThat(byDefault.get("producer.batch.size")).isEqualTo(512 * 1024);
    assertThat(byDefault.get("producer.buffer.memory")).isEqualTo(64L * 1024 * 1024);
    assertThat(slowCommit.get("producer.linger.ms")).isEqualTo(30_000L);
    assertThat(told)
        .containsEntry("linger.ms", "7")
        .doesNotContainKey("producer.linger.ms")
        .containsEntry("producer.batch.size", "1024");
  }

  @Test
  void aPlainKafkaKeyOverridesTheTopologysProducerDefaults() throws Exception {
    Properties byDefault = streamsPropertiesOf("");
    Properties told = streamsPropertiesOf("kafka.compression.type=none\n");

    assertThat(byDefault.get("producer.compression.type")).isEqualTo("lz4");
    // Kafka Streams lets producer.compression.type win over compression.type: it must not be set
    // here.
    assertThat(told)
        .containsEntry("compression.type", "none")
        .doesNotContainKey("producer.compression.type");
    assertThat(new StreamsConfig(told).getProducerConfigs("client").get("compression.type"))
        .isEqualTo("none");
  }

  @Test
  void credentialsInTheRegistryUrlAndKafkaSecretsAreNeverPrinted() throws Exception {
    Path file =
        write(
            "schema.registry.url=https://svc:s3cret@registry:8081\n"
                + "kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required password=\"s3cret\";\n");

    TopologyConfig config = TopologyConfig.load(file, Map.of());

    assertThat(config.describe())
        .doesNotContain("s3cret")
        .contains("schema.registry.url=https://[hidden]@registry:8081");
  }

  @Test
  void aSecretIsReadFromAFileReferenceAndNeverPrinted() throws Exception {
    Path secret = write("user.info=svc:s3cret\n");
    Path file = write("schema.registry.basic.auth.user.info=${file:" + secret + ":user.info}\n");

    TopologyConfig config = TopologyConfig.load(file, Map.of());

    assertThat(config.serdeConfig())
        .containsEntry("basic.auth.user.info", "svc:s3cret")
        .containsEntry("basic.auth.credentials.source", "USER_INFO");
    assertThat(config.describe()).doesNotContain("s3cret");
  }

  @Test
  void aMistypedEnvironmentVariableFailsAtStart() {
    assertLoadFails(null, Map.of("FHIRFLOW_TOPOLOGY_DEDUPE_RETENTION", "1"), "dedupe.retention");
  }

  /**
   * Issue 12, item 8: the docs name FHIRFLOW_TOPOLOGY_CONFIG_FILE; it must not stop the process as
   * an unknown key.
   */
  @Test
  void theLaunchersOwnVariablesAreNotMistakenForUnknownKeys() throws Exception {
    Path file = write("topic.raw=from-file\n");

    TopologyConfig config =
        TopologyConfig.load(
            file,
            Map.of(
                "FHIRFLOW_TOPOLOGY_CONFIG_FILE",
                file.toString(),
                "FHIRFLOW_TOPOLOGY_PORT",
                "8091"));

    assertThat(config.topics().raw()).isEqualTo("from-file");
    assertThat(config.describe()).doesNotContain("config.file");
  }

  @Test
  void anOutOfRangeValueFailsAtStartNamingTheKey() {
    assertLoadFails(
        null, Map.of("FHIRFLOW_TOPOLOGY_DEDUPE_RETENTION_MS", "5"), "dedupe.retention.ms");
  }

  /** The Streams properties of a process started with a file of {@code fileText} alone. */
  private Properties streamsPropertiesOf(String fileText) throws Exception {
    return TopologyConfig.load(write(fileText), Map.of()).streamsProperties(null);
  }

  /** Loading {@code file} (or none) with {@code env} fails at start, naming each message part. */
  private static void assertLoadFails(Path file, Map<String, String> env, String... messageParts) {
    assertThatThrownBy(() -> TopologyConfig.load(file, env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContainingAll(messageParts);
  }

  private Path write(String text) throws Exception {
    Path f = Files.createTempFile(dir, "cfg", ".properties");
    Files.writeString(f, text);
    return f;
  }
}
