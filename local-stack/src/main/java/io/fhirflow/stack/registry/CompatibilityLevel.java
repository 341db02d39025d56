package io.fhirflow.stack.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Confluent's compatibility levels, checked with Avro's own {@link SchemaCompatibility}.
 *
 * <p>BACKWARD: consumers on the new schema read data written with the old one (new = reader).
 * FORWARD: consumers on the old schema read data written with the new one (new = writer). FULL:
 * both. The {@code _TRANSITIVE} variants check every earlier version, the others only the latest.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /** Parses a level name, case-insensitively; unknown names are rejected. */
  public static CompatibilityLevel parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw RegistryException.invalidCompatibilityLevel(name);
    }
  }

  /**
   * Why {@code candidate} may not follow {@code existing} (oldest first) under this level; an empty
   * list means it may. Only the newest version counts unless the level is transitive.
   */
  public List<String> incompatibilities(Schema candidate, List<Schema> existing) {
    if (existing.isEmpty()) {
      return List.of();
    }
    List<Schema> against = transitive ? existing : List.of(existing.get(existing.size() - 1));
    List<String> problems = new ArrayList<>();
    for (Schema previous : against) {
      if (backward) {
        problems.addAll(problems(candidate, previous, "BACKWARD"));
      }
      if (forward) {
        problems.addAll(problems(previous, candidate, "FORWARD"));
      }
    }
    return problems;
  }

  private static List<String> problems(Schema reader, Schema writer, String direction) {
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
        .getResult()
        .getIncompatibilities()
        .stream()
        .map(CompatibilityLevel::describe)
        .map(text -> direction + ": " + text)
        .toList();
  }

  private static String describe(Incompatibility i) {
    return i.getType() + " at " + i.getLocation() + ": " + i.getMessage();
  }
}
