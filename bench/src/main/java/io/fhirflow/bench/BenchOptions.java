package io.fhirflow.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * Command-line options of the benchmarks' main classes: {@code --key=value} or {@code --key value},
 * read with the default each benchmark documents; a value that does not parse fails the run.
 */
public final class BenchOptions {

  private final Map<String, String> given;

  private BenchOptions(Map<String, String> given) {
    this.given = given;
  }

  public static BenchOptions parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        continue;
      }
      int eq = arg.indexOf('=');
      if (eq > 0) {
        options.put(arg.substring(2, eq), arg.substring(eq + 1));
      } else if (i + 1 < args.length) {
        options.put(arg.substring(2), args[++i]);
      }
    }
    return new BenchOptions(options);
  }

  /** The option's value, or null when it was not given. */
  public String get(String key) {
    return given.get(key);
  }

  public boolean has(String key) {
    return given.containsKey(key);
  }

  public String text(String key, String fallback) {
    return given.getOrDefault(key, fallback);
  }

  public int integer(String key, int fallback) {
    return has(key) ? Integer.parseInt(get(key)) : fallback;
  }

  public double decimal(String key, double fallback) {
    return has(key) ? Double.parseDouble(get(key)) : fallback;
  }

  /** {@code true} only for the text {@code true}, as {@link Boolean#parseBoolean}. */
  public boolean bool(String key, boolean fallback) {
    return has(key) ? Boolean.parseBoolean(get(key)) : fallback;
  }

  /**
   * The probes' arguments: {@code --key=value}, or a bare {@code --key} meaning {@code true}
   * (unlike {@link #parse}, a value never comes from the next argument), over {@code defaults}
   * written as {@link #pairs} ({@code a=1,b=2}).
   */
  public static Map<String, String> flags(String[] args, String defaults) {
    Map<String, String> flags = pairs(defaults);
    for (String a : args) {
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      flags.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    return flags;
  }

  /** {@code a=1,b=2} as a map; empty for an empty list. */
  public static Map<String, String> pairs(String list) {
    Map<String, String> pairs = new HashMap<>();
    for (String kv : list.split(",")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        pairs.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return pairs;
  }
}
