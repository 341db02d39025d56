package io.fhirflow.topology;

import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * Generates docs/topology-config.md from {@link TopologyConfig#CONFIG_DEF}, so the reference is
 * never written twice: {@code java -cp ... io.fhirflow.topology.ConfigReference > docs/topology-config.md}
 * (a test fails when the checked-in file is out of date).
 */
public final class ConfigReference {

  private ConfigReference() {}

  public static void main(String[] args) {
    System.out.print(markdown());
  }

  static String markdown() {
    StringBuilder b = new StringBuilder()
        .append("# Topology configuration reference\n\n")
        .append("Generated from `io.fhirflow.topology.TopologyConfig` by `ConfigReference`; do not edit by hand.\n")
        .append("File: `config/topology.properties` (or the path given as first argument / `FHIRFLOW_TOPOLOGY_CONFIG_FILE`).\n")
        .append("Every key is overridden by its environment variable. Any Kafka Streams, consumer or producer key\n")
        .append("passes through with the prefix `kafka.` in the file or `KAFKA_` in the environment\n")
        .append("(`KAFKA_SECURITY_PROTOCOL=SASL_SSL` sets `security.protocol`). Secrets are given as references,\n")
        .append("resolved by Kafka's config providers: `${env:VAR}`, `${file:/path/file.properties:key}`,\n")
        .append("`${dir:/run/secrets:name}`. `processing.guarantee` is always `exactly_once_v2`.\n\n")
        .append("| key | environment variable | type | default | description |\n")
        .append("|---|---|---|---|---|\n");
    for (ConfigDef.ConfigKey key : TopologyConfig.CONFIG_DEF.configKeys().values()) {
      b.append("| `").append(key.name).append("` | `").append(TopologyConfig.environmentVariableFor(key.name)).append("` | ")
          .append(key.type.name().toLowerCase(Locale.ROOT)).append(" | ")
          .append(defaultOf(key)).append(" | ")
          .append(key.documentation.replace("|", "\\|")).append(" |\n");
    }
    return b.toString();
  }

  private static String defaultOf(ConfigDef.ConfigKey key) {
    if (!key.hasDefault()) {
      return "(required)";
    }
    Object d = key.defaultValue;
    if (d instanceof Password p) {
      return p.value().isEmpty() ? "(empty)" : "`" + p.value() + "`";
    }
    return d == null || d.toString().isEmpty() ? "(empty)" : "`" + d + "`";
  }
}
