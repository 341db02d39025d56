package io.fhirflow.bench.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --key value} pairs of the fault run's JVMs (the script passes each one). */
final class Options {

  private Options() {}

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --key value pairs, got " + args[i]);
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }

  static List<Integer> ports(String list) {
    List<Integer> ports = new ArrayList<>();
    for (String p : list.split(",")) {
      if (!p.isBlank()) {
        ports.add(Integer.parseInt(p.trim()));
      }
    }
    return ports;
  }
}
