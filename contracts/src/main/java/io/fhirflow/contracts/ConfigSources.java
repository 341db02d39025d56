package io.fhirflow.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where a fhirflow process's settings come from, the same rule for every process: its properties
 * file, then the environment, later wins. A key {@code a.b.c} of process {@code topology} is
 * overridden by {@code FHIRFLOW_TOPOLOGY_A_B_C}; a process whose keys all start with its own prefix
 * (the API's {@code api.}) does not repeat it ({@code api.http.port} ← {@code
 * FHIRFLOW_API_HTTP_PORT}).
 *
 * <p>Launchers, Kubernetes manifests and images set these names, which is why the rule is a
 * contract. {@code FHIRFLOW_<PROCESS>_CONFIG_FILE} (the file to read) and {@code
 * FHIRFLOW_<PROCESS>_PORT} (the port bin/lib/pipeline.sh gives the process) are the launchers' own
 * and never config keys. Any other {@code FHIRFLOW_<PROCESS>_} name, and any file key, that names
 * no declared key and is not under a pass-through prefix (Kafka client settings) is refused at
 * start, so a typo fails loudly instead of being ignored.
 *
 * <p>Plain Java: each process validates the values with its own Kafka {@code ConfigDef}; this class
 * only says which names are keys. Its errors are {@link IllegalArgumentException}s naming the
 * variable or key, which each process's config class reports as its own kind of config error.
 */
public final class ConfigSources {

  /** Every process's environment prefix starts so. */
  public static final String PREFIX = "FHIRFLOW_";

  /**
   * Kafka's own config providers, so any value may reference a secret instead of holding it: {@code
   * ${env:VAR}}, {@code ${file:/path/file.properties:key}}, {@code ${dir:/run/secrets:name}} (the
   * {@code configProviderProps} of Kafka's {@code AbstractConfig}).
   */
  public static final Map<String, String> CONFIG_PROVIDERS =
      Map.of(
          "config.providers", "env,file,dir",
          "config.providers.env.class",
              "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
          "config.providers.file.class",
              "org.apache.kafka.common.config.provider.FileConfigProvider",
          "config.providers.dir.class",
              "org.apache.kafka.common.config.provider.DirectoryConfigProvider");

  private final String process;
  private final String envPrefix;
  private final String keyPrefix;
  private final Set<String> declared;
  private final List<String> passThroughPrefixes;

  /**
   * @param process the process's name in its variables ({@code TOPOLOGY}, {@code API})
   * @param keyPrefix what every key of the process starts with and its variables leave out ({@code
   *     ""} or {@code "api."})
   * @param declared the keys the process's ConfigDef declares
   * @param passThroughPrefixes key prefixes whose keys are passed on undeclared (a Kafka client's
   *     settings), e.g. {@code kafka.}
   */
  public ConfigSources(
      String process, String keyPrefix, Set<String> declared, List<String> passThroughPrefixes) {
    this.process = process.toLowerCase(Locale.ROOT);
    this.envPrefix = PREFIX + process.toUpperCase(Locale.ROOT) + "_";
    this.keyPrefix = keyPrefix;
    this.declared = Set.copyOf(declared);
    this.passThroughPrefixes = List.copyOf(passThroughPrefixes);
  }

  /** {@code FHIRFLOW_<PROCESS>_}. */
  public String environmentPrefix() {
    return envPrefix;
  }

  /** The variable naming the process's config file ({@code FHIRFLOW_<PROCESS>_CONFIG_FILE}). */
  public String configFileVariable() {
    return envPrefix + "CONFIG_FILE";
  }

  /** The launchers' names, never taken as keys. */
  public Set<String> launcherVariables() {
    return Set.of(configFileVariable(), envPrefix + "PORT");
  }

  /** The environment variable that overrides {@code key}. */
  public String environmentVariableFor(String key) {
    String name = key.startsWith(keyPrefix) ? key.substring(keyPrefix.length()) : key;
    return envPrefix + name.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  /** Whether {@code key} is a key of this process: declared, or under a pass-through prefix. */
  public boolean isKey(String key) {
    return declared.contains(key)
        || passThroughPrefixes.stream()
            .anyMatch(p -> key.startsWith(p) && key.length() > p.length());
  }

  /**
   * The keys the environment sets, {@code FHIRFLOW_<PROCESS>_A_B} → {@code <keyPrefix>a.b}.
   *
   * @throws IllegalArgumentException naming the variable when it names no key
   */
  public Map<String, String> fromEnvironment(Map<String, String> env) {
    Map<String, String> keys = new TreeMap<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(envPrefix) || launcherVariables().contains(name)) {
        continue;
      }
      String key =
          keyPrefix + name.substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
      if (!isKey(key)) {
        throw new IllegalArgumentException(
            "environment variable "
                + name
                + " names no "
                + process
                + " config key ("
                + key
                + "); every key and its variable: docs/configuration.md");
      }
      keys.put(key, e.getValue());
    }
    return keys;
  }

  /**
   * The file's keys (values trimmed), or none when {@code file} is null.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds a key that is not one of
   *     this process's
   */
  public Map<String, String> fromFile(Path file) {
    Map<String, String> keys = new TreeMap<>();
    if (file == null) {
      return keys;
    }
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      props.load(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read config file " + file + ": " + e.getMessage(), e);
    }
    List<String> unknown = new ArrayList<>();
    for (String key : props.stringPropertyNames()) {
      if (!isKey(key)) {
        unknown.add(key);
      }
      keys.put(key, props.getProperty(key).trim());
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "config file "
              + file
              + ": "
              + String.join(", ", new java.util.TreeSet<>(unknown))
              + (unknown.size() == 1 ? " is no " : " are no ")
              + process
              + " config key; every key: docs/configuration.md");
    }
    return keys;
  }

  /** The file's keys overlaid by the environment's: what a process is configured with. */
  public Map<String, String> load(Path file, Map<String, String> env) {
    Map<String, String> merged = fromFile(file);
    merged.putAll(fromEnvironment(env));
    return merged;
  }
}
