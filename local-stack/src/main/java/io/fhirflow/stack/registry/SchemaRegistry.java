package io.fhirflow.stack.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Subjects, versions, global schema ids and compatibility levels of the development registry.
 *
 * <p>Every change is handed to the journal (the compacted topic) before it is applied, so the state
 * is always rebuildable by replaying the journal. One instance is the only writer of its journal;
 * methods synchronise on this object.
 *
 * <p>Dedupe key: the schema as Avro prints it after parsing (whitespace and attribute order
 * normalised, docs and defaults kept). Avro's Parsing Canonical Form is not used as the key because
 * it drops defaults, which a FORWARD check of a later version needs; it serves only as a fallback
 * when looking a schema up.
 */
public final class SchemaRegistry {

  /** One registered version of a subject. */
  public record Version(String subject, int version, int id, String schema) {}

  private final Consumer<LogEntry> journal;
  private final Map<Integer, String> schemaById = new HashMap<>();
  private final Map<Integer, Schema> parsedById = new HashMap<>();
  private final Map<String, Integer> idBySchema = new HashMap<>();
  private final Map<String, List<Version>> versionsBySubject = new TreeMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
  private int lastId;

  /**
   * Rebuilds the state from {@code history} (oldest first); later changes go to {@code journal}.
   */
  public SchemaRegistry(List<? extends LogEntry> history, Consumer<LogEntry> journal) {
    this.journal = journal;
    history.forEach(this::apply);
  }

  /**
   * Registers {@code schemaText} under {@code subject} and returns its global id. Registering a
   * schema the subject already has returns the existing id and writes nothing; the same schema
   * under another subject gets the same id.
   *
   * @throws RegistryException 42201 when the text is not an Avro schema, 409 when the subject's
   *     compatibility level forbids it
   */
  public synchronized int register(String subject, String schemaText) {
    Schema candidate = parse(schemaText);
    String canonical = candidate.toString();
    List<Version> versions = versionsBySubject.getOrDefault(subject, List.of());
    for (Version v : versions) {
      if (v.schema().equals(canonical)) {
        return v.id();
      }
    }
    List<String> problems =
        effectiveLevel(subject).incompatibilities(candidate, schemasOf(versions));
    if (!problems.isEmpty()) {
      throw RegistryException.incompatible(subject, problems);
    }
    int id = idBySchema.getOrDefault(canonical, lastId + 1);
    int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
    LogEntry.SchemaEntry entry = new LogEntry.SchemaEntry(subject, version, id, canonical);
    journal.accept(entry);
    apply(entry);
    return id;
  }

  /**
   * The version of {@code subject} that holds {@code schemaText} (exact form first, then the newest
   * with the same Parsing Canonical Form).
   */
  public synchronized Version lookup(String subject, String schemaText) {
    List<Version> versions = existingVersions(subject);
    Schema candidate = parse(schemaText);
    String canonical = candidate.toString();
    Optional<Version> exact =
        versions.stream().filter(v -> v.schema().equals(canonical)).findFirst();
    if (exact.isPresent()) {
      return exact.get();
    }
    long fingerprint = SchemaNormalization.parsingFingerprint64(candidate);
    return versions.stream()
        .filter(
            v -> SchemaNormalization.parsingFingerprint64(parsedById.get(v.id())) == fingerprint)
        .max(Comparator.comparingInt(Version::version))
        .orElseThrow(RegistryException::schemaNotFound);
  }

  public synchronized String schemaById(int id) {
    String schema = schemaById.get(id);
    if (schema == null) {
      throw RegistryException.schemaNotFound();
    }
    return schema;
  }

  public synchronized List<String> subjects() {
    return List.copyOf(versionsBySubject.keySet());
  }

  public synchronized List<Integer> versions(String subject) {
    return existingVersions(subject).stream().map(Version::version).toList();
  }

  /** A version by number, or the newest for {@code latest} / {@code -1}. */
  public synchronized Version version(String subject, String versionSpec) {
    List<Version> versions = existingVersions(subject);
    Optional<Integer> number = parseVersion(versionSpec);
    if (number.isEmpty()) {
      return versions.get(versions.size() - 1);
    }
    return versions.stream()
        .filter(v -> v.version() == number.get())
        .findFirst()
        .orElseThrow(() -> RegistryException.versionNotFound(subject, versionSpec));
  }

  /**
   * Why {@code schemaText} may not be registered next under {@code subject}; empty when it may.
   * With a {@code versionSpec}, only that version is checked (in the directions of the subject's
   * level); without one, every version the level names. A subject without versions accepts all.
   */
  public synchronized List<String> incompatibilities(
      String subject, String versionSpec, String schemaText) {
    Schema candidate = parse(schemaText);
    CompatibilityLevel level = effectiveLevel(subject);
    List<Version> versions = versionsBySubject.getOrDefault(subject, List.of());
    if (versionSpec == null) {
      return level.incompatibilities(candidate, schemasOf(versions));
    }
    if (versions.isEmpty() && parseVersion(versionSpec).isEmpty()) {
      return List.of();
    }
    Version against = version(subject, versionSpec);
    return level.incompatibilities(candidate, List.of(parsedById.get(against.id())));
  }

  public synchronized CompatibilityLevel globalLevel() {
    return globalLevel;
  }

  public synchronized void setGlobalLevel(CompatibilityLevel level) {
    change(new LogEntry.ConfigEntry(null, level));
  }

  public synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  public synchronized void setSubjectLevel(String subject, CompatibilityLevel level) {
    change(new LogEntry.ConfigEntry(subject, level));
  }

  /** Removes the subject's own level (it follows the global one again) and returns what it was. */
  public synchronized CompatibilityLevel deleteSubjectLevel(String subject) {
    CompatibilityLevel previous = subjectLevels.get(subject);
    if (previous == null) {
      throw RegistryException.subjectLevelNotConfigured(subject);
    }
    change(new LogEntry.ConfigEntry(subject, null));
    return previous;
  }

  private CompatibilityLevel effectiveLevel(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }

  private void change(LogEntry entry) {
    journal.accept(entry);
    apply(entry);
  }

  private void apply(LogEntry entry) {
    if (entry instanceof LogEntry.SchemaEntry s) {
      List<Version> versions =
          versionsBySubject.computeIfAbsent(s.subject(), k -> new ArrayList<>());
      versions.removeIf(v -> v.version() == s.version());
      versions.add(new Version(s.subject(), s.version(), s.id(), s.schema()));
      versions.sort(Comparator.comparingInt(Version::version));
      schemaById.put(s.id(), s.schema());
      parsedById.computeIfAbsent(s.id(), id -> new Schema.Parser().parse(s.schema()));
      idBySchema.putIfAbsent(s.schema(), s.id());
      lastId = Math.max(lastId, s.id());
    } else if (entry instanceof LogEntry.ConfigEntry c) {
      if (c.subject() == null) {
        globalLevel = c.level() == null ? CompatibilityLevel.BACKWARD : c.level();
      } else if (c.level() == null) {
        subjectLevels.remove(c.subject());
      } else {
        subjectLevels.put(c.subject(), c.level());
      }
    }
  }

  private List<Version> existingVersions(String subject) {
    List<Version> versions = versionsBySubject.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw RegistryException.subjectNotFound(subject);
    }
    return versions;
  }

  private List<Schema> schemasOf(List<Version> versions) {
    return versions.stream().map(v -> parsedById.get(v.id())).toList();
  }

  /** Empty for the newest ({@code latest} or {@code -1}), else the version number. */
  private static Optional<Integer> parseVersion(String spec) {
    if ("latest".equals(spec) || "-1".equals(spec)) {
      return Optional.empty();
    }
    try {
      int n = Integer.parseInt(spec);
      if (n < 1) {
        throw RegistryException.invalidVersion(spec);
      }
      return Optional.of(n);
    } catch (NumberFormatException e) {
      throw RegistryException.invalidVersion(spec);
    }
  }

  private static Schema parse(String schemaText) {
    if (schemaText == null || schemaText.isBlank()) {
      throw RegistryException.invalidSchema("empty schema");
    }
    try {
      return new Schema.Parser().parse(schemaText);
    } catch (RuntimeException e) {
      throw RegistryException.invalidSchema(e.getMessage());
    }
  }
}
