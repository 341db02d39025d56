package io.fhirflow.cli.broker;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The broker a command talks to and the Kafka client properties passed through unchanged (TLS,
 * SASL, {@code basic.auth.*}): one definition for every command that opens a Kafka client, so they
 * all read the same environment variable and let the user's properties win the same way.
 */
public final class BrokerOptions {

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "${env:FHIRFLOW_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
      description =
          "Kafka bootstrap servers (env FHIRFLOW_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = {"-X", "--property"},
      paramLabel = "KEY=VALUE",
      description =
          "Extra Kafka client or serializer property, e.g. -X security.protocol=SSL -X basic.auth.user.info=... (repeatable).")
  Map<String, String> properties = new LinkedHashMap<>();

  /**
   * A client's configuration: the bootstrap servers, then the command's own settings, then the
   * user's {@code -X} properties, which override both.
   */
  public Map<String, Object> clientConfig(Map<String, ?> commandSettings) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("bootstrap.servers", bootstrapServers);
    config.putAll(commandSettings);
    config.putAll(properties);
    return config;
  }
}
