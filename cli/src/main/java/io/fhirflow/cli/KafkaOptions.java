package io.fhirflow.cli;

import io.fhirflow.cli.broker.BrokerOptions;
import io.fhirflow.contracts.PipelineTopic;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where and how the commands produce: broker, schema registry, topics, and any producer or serde
 * property (TLS, SASL, {@code basic.auth.*}) passed through unchanged. Every option has an
 * environment variable, so secrets never need to be on the command line.
 */
public final class KafkaOptions {

  /**
   * The serde engineer's Confluent-compatible serializer; any Serializer&lt;WearableSample&gt;
   * fits.
   */
  public static final String DEFAULT_VALUE_SERIALIZER = "io.fhirflow.serde.SpecificAvroSerializer";

  @Mixin BrokerOptions broker;

  @Option(
      names = "--schema-registry-url",
      defaultValue = "${env:FHIRFLOW_SCHEMA_REGISTRY_URL:-http://127.0.0.1:8081}",
      description =
          "Confluent-compatible schema registry (env FHIRFLOW_SCHEMA_REGISTRY_URL; default ${DEFAULT-VALUE}).")
  String schemaRegistryUrl;

  @Option(
      names = "--topic",
      defaultValue = "${env:FHIRFLOW_RAW_TOPIC:-" + PipelineTopic.Names.RAW + "}",
      description = "Raw-sample topic (default ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--dlq-topic",
      defaultValue = "${env:FHIRFLOW_DLQ_TOPIC:-" + PipelineTopic.Names.RAW_DEAD_LETTER + "}",
      description =
          "Dead-letter topic for what cannot be sent as a sample (default ${DEFAULT-VALUE}).")
  String dlqTopic;

  @Option(
      names = "--value-serializer",
      defaultValue = DEFAULT_VALUE_SERIALIZER,
      description = "Serializer class for WearableSample (default ${DEFAULT-VALUE}).")
  String valueSerializer;

  public String topic() {
    return topic;
  }

  public String dlqTopic() {
    return dlqTopic;
  }

  /** Producer and serializer configuration: ours first, then the user's overrides. */
  public Map<String, Object> producerConfig() {
    Map<String, Object> serializer = new LinkedHashMap<>();
    serializer.put("schema.registry.url", schemaRegistryUrl);
    serializer.put("auto.register.schemas", "true");
    return broker.clientConfig(serializer);
  }

  public String valueSerializer() {
    return valueSerializer;
  }
}
