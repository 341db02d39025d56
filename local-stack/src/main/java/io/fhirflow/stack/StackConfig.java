package io.fhirflow.stack;

import io.fhirflow.contracts.ConfigSources;
import io.fhirflow.contracts.Tenants;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of the local development stack, from the environment only, by every process's rule
 * ({@link ConfigSources}): {@code kafka.port} is {@code FHIRFLOW_STACK_KAFKA_PORT}, {@code
 * work.dir} is {@code FHIRFLOW_STACK_WORK_DIR}.
 */
public final class StackConfig extends AbstractConfig {

  public static final String WORK_DIR_CONFIG = "work.dir";
  public static final String WORK_DIR_DOC = "Folder for the stack's data, logs and pid files.";
  public static final String WORK_DIR_DEFAULT = ".work";

  public static final String KAFKA_PORT_CONFIG = "kafka.port";
  public static final String KAFKA_PORT_DOC = "Loopback port of the broker's client listener.";
  public static final int KAFKA_PORT_DEFAULT = 9092;

  public static final String KAFKA_CONTROLLER_PORT_CONFIG = "kafka.controller.port";
  public static final String KAFKA_CONTROLLER_PORT_DOC =
      "Loopback port of the KRaft controller listener.";
  public static final int KAFKA_CONTROLLER_PORT_DEFAULT = 9093;

  public static final String KAFKA_HEAP_CONFIG = "kafka.heap";
  public static final String KAFKA_HEAP_DOC = "Maximum heap of the broker JVM (-Xmx).";
  public static final String KAFKA_HEAP_DEFAULT = "512m";

  public static final String REGISTRY_PORT_CONFIG = "registry.port";
  public static final String REGISTRY_PORT_DOC =
      "Loopback port of the development schema registry.";
  public static final int REGISTRY_PORT_DEFAULT = 8081;

  public static final String REGISTRY_TOPIC_CONFIG = "registry.topic";
  public static final String REGISTRY_TOPIC_DOC =
      "Compacted topic that keeps the registry's schemas and settings.";
  public static final String REGISTRY_TOPIC_DEFAULT = "_schemas";

  public static final String TOPIC_PARTITIONS_CONFIG = "topic.partitions";
  public static final String TOPIC_PARTITIONS_DOC =
      "Partitions of the pipeline topics the stack creates.";
  public static final int TOPIC_PARTITIONS_DEFAULT = 3;

  public static final String TENANTS_CONFIG = "tenants";
  public static final String TENANTS_DOC =
      "Tenants whose raw topics the stack creates (docs/tenants.md): the default tenant's is the raw "
          + "topic itself, any other's <raw topic>.<tenant>. Two by default, so that the local run "
          + "shows tenants side by side; bin/run-local's simulator spreads its users over them.";
  public static final List<String> TENANTS_DEFAULT = List.of(Tenants.DEFAULT, "acme");

  public static final String START_TIMEOUT_MS_CONFIG = "start.timeout.ms";
  public static final String START_TIMEOUT_MS_DOC =
      "How long to wait for each process to answer on its port.";
  public static final long START_TIMEOUT_MS_DEFAULT = 90_000L;

  public static final ConfigDef CONFIG_DEF =
      new ConfigDef()
          .define(WORK_DIR_CONFIG, Type.STRING, WORK_DIR_DEFAULT, Importance.MEDIUM, WORK_DIR_DOC)
          .define(
              KAFKA_PORT_CONFIG,
              Type.INT,
              KAFKA_PORT_DEFAULT,
              Range.between(1, 65535),
              Importance.HIGH,
              KAFKA_PORT_DOC)
          .define(
              KAFKA_CONTROLLER_PORT_CONFIG,
              Type.INT,
              KAFKA_CONTROLLER_PORT_DEFAULT,
              Range.between(1, 65535),
              Importance.MEDIUM,
              KAFKA_CONTROLLER_PORT_DOC)
          .define(
              KAFKA_HEAP_CONFIG, Type.STRING, KAFKA_HEAP_DEFAULT, Importance.LOW, KAFKA_HEAP_DOC)
          .define(
              REGISTRY_PORT_CONFIG,
              Type.INT,
              REGISTRY_PORT_DEFAULT,
              Range.between(1, 65535),
              Importance.HIGH,
              REGISTRY_PORT_DOC)
          .define(
              REGISTRY_TOPIC_CONFIG,
              Type.STRING,
              REGISTRY_TOPIC_DEFAULT,
              Importance.LOW,
              REGISTRY_TOPIC_DOC)
          .define(
              TOPIC_PARTITIONS_CONFIG,
              Type.INT,
              TOPIC_PARTITIONS_DEFAULT,
              Range.atLeast(1),
              Importance.LOW,
              TOPIC_PARTITIONS_DOC)
          .define(
              TENANTS_CONFIG,
              Type.LIST,
              TENANTS_DEFAULT,
              new TenantNamesValidator(),
              Importance.MEDIUM,
              TENANTS_DOC)
          .define(
              START_TIMEOUT_MS_CONFIG,
              Type.LONG,
              START_TIMEOUT_MS_DEFAULT,
              Range.atLeast(1000),
              Importance.LOW,
              START_TIMEOUT_MS_DOC);

  /**
   * Checks each listed tenant name; a named class rather than a lambda because the configuration
   * reference prints a validator's {@code toString} (a lambda's is a generated, unstable name).
   */
  static final class TenantNamesValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      for (Object tenant : (List<?>) value) {
        if (!Tenants.isValid((String) tenant)) {
          throw new ConfigException(name, tenant, "not a tenant name (" + Tenants.NAME_REGEX + ")");
        }
      }
    }

    @Override
    public String toString() {
      return "tenant names matching " + Tenants.NAME_REGEX;
    }
  }

  public StackConfig(Map<String, ?> props) {
    super(CONFIG_DEF, props, false);
  }

  /** {@code kafka.port} ← {@code FHIRFLOW_STACK_KAFKA_PORT}. */
  public static final ConfigSources SOURCES =
      new ConfigSources("stack", "", CONFIG_DEF.names(), List.of());

  /**
   * Reads every key from its {@code FHIRFLOW_STACK_*} variable (a blank one counts as unset),
   * defaults for the rest.
   *
   * @throws ConfigException naming the variable when it names no key, or still has the name the
   *     stack read before it followed the common rule ({@code FHIRFLOW_KAFKA_PORT}): a renamed
   *     setting silently ignored would start the stack on ports its caller did not choose
   */
  public static StackConfig fromEnvironment(Map<String, String> env) {
    for (String key : CONFIG_DEF.names()) {
      String old = ConfigSources.PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
      if (env.containsKey(old)) {
        throw new ConfigException(
            old + " is now " + SOURCES.environmentVariableFor(key) + " (docs/configuration.md)");
      }
    }
    Map<String, String> props = new HashMap<>();
    try {
      SOURCES
          .fromEnvironment(env)
          .forEach(
              (key, value) -> {
                if (!value.isBlank()) {
                  props.put(key, value.trim());
                }
              });
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    return new StackConfig(props);
  }

  public Path workDir() {
    return Path.of(getString(WORK_DIR_CONFIG)).toAbsolutePath().normalize();
  }

  public int kafkaPort() {
    return getInt(KAFKA_PORT_CONFIG);
  }

  public int kafkaControllerPort() {
    return getInt(KAFKA_CONTROLLER_PORT_CONFIG);
  }

  public String kafkaHeap() {
    return getString(KAFKA_HEAP_CONFIG);
  }

  public int registryPort() {
    return getInt(REGISTRY_PORT_CONFIG);
  }

  public String registryTopic() {
    return getString(REGISTRY_TOPIC_CONFIG);
  }

  public int topicPartitions() {
    return getInt(TOPIC_PARTITIONS_CONFIG);
  }

  public List<String> tenants() {
    return getList(TENANTS_CONFIG);
  }

  public long startTimeoutMs() {
    return getLong(START_TIMEOUT_MS_CONFIG);
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + kafkaPort();
  }

  public String registryUrl() {
    return "http://127.0.0.1:" + registryPort();
  }
}
