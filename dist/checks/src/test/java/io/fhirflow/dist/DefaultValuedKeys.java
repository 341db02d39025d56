package io.fhirflow.dist;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Finds the keys of a properties file that only repeat a default: a file in config/ holds what
 * differs from the defaults, so that reading it says what this deployment chose, and a changed
 * default reaches every run instead of being shadowed by a stale copy.
 *
 * <p>A key is judged by the definitions the file is read with: the process's own {@link
 * ConfigDef}s, the ConfigDefs of prefixed pass-through keys (a Kafka client's), and for a Connect
 * worker its parsed config, since Connect keeps the worker's ConfigDef to itself. Values that
 * reference a secret or the environment ({@code ${env:...}}) and passwords are never defaults.
 */
final class DefaultValuedKeys {

  private final List<ConfigDef> definitions = new ArrayList<>();
  private final Map<String, ConfigDef> prefixed = new TreeMap<>();
  private final List<Function<Map<String, String>, Map<String, ?>>> parsers = new ArrayList<>();

  /** Keys declared by {@code def}. */
  DefaultValuedKeys declaredBy(ConfigDef def) {
    definitions.add(def);
    return this;
  }

  /** Keys {@code prefix + k} for every key {@code k} that {@code def} declares. */
  DefaultValuedKeys prefixed(String prefix, ConfigDef def) {
    prefixed.put(prefix, def);
    return this;
  }

  /**
   * Keys of a config whose ConfigDef is not public (Connect's worker configs): {@code parser} turns
   * the file's properties into every key's value, defaults included; a key is at its default when
   * dropping it from the file leaves its value unchanged.
   */
  DefaultValuedKeys parsedBy(Function<Map<String, String>, Map<String, ?>> parser) {
    parsers.add(parser);
    return this;
  }

  /** The keys of {@code file} whose value equals the default, each with that value. */
  Map<String, String> in(Map<String, String> file) {
    Map<String, String> found = new TreeMap<>();
    for (Map.Entry<String, String> e : file.entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      if (value.contains("${")) {
        continue;
      }
      boolean isDefault =
          definitions.stream().anyMatch(def -> isDefault(def, key, value))
              || prefixed.entrySet().stream()
                  .anyMatch(
                      p ->
                          key.startsWith(p.getKey())
                              && isDefault(p.getValue(), key.substring(p.getKey().length()), value))
              || parsers.stream().anyMatch(parser -> isDefault(parser, file, key));
      if (isDefault) {
        found.put(key, value);
      }
    }
    return found;
  }

  private static boolean isDefault(ConfigDef def, String key, String value) {
    ConfigDef.ConfigKey k = def.configKeys().get(key);
    if (k == null || !k.hasDefault() || k.type == ConfigDef.Type.PASSWORD) {
      return false;
    }
    try {
      return Objects.equals(ConfigDef.parseType(key, value, k.type), k.defaultValue);
    } catch (ConfigException e) {
      return false; // not a value of the key's type: the process refuses it at start
    }
  }

  private static boolean isDefault(
      Function<Map<String, String>, Map<String, ?>> parser, Map<String, String> file, String key) {
    Map<String, ?> with = parser.apply(file);
    if (!with.containsKey(key)
        || with.get(key) instanceof org.apache.kafka.common.config.types.Password) {
      return false;
    }
    Map<String, String> without = new HashMap<>(file);
    without.remove(key);
    try {
      return Objects.equals(parser.apply(without).get(key), with.get(key));
    } catch (ConfigException e) {
      return false; // a required key
    }
  }
}
