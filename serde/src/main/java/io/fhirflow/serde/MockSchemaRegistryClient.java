package io.fhirflow.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * An in-memory schema registry for unit tests, selected with {@code
 * schema.registry.url=mock://<scope>}. Every serde configured with the same scope in one JVM shares
 * one instance, as with Confluent's {@code MockSchemaRegistry}; use a fresh scope per test, or
 * {@link #dropScope(String)}.
 *
 * <p>Behaves like Confluent's registry where the serde can tell: global ids from 1 shared across
 * subjects (the same schema gets the same id everywhere), BACKWARD compatibility against the
 * subject's latest version on register (HTTP 409 otherwise), and Confluent's error codes.
 */
public final class MockSchemaRegistryClient implements SchemaRegistryClient {

  private static final Map<String, MockSchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

  private final Map<Schema, Integer> idsBySchema = new HashMap<>();
  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();

  /** The registry shared by every {@code mock://scope} user in this JVM. */
  public static MockSchemaRegistryClient forScope(String scope) {
    return SCOPES.computeIfAbsent(scope, s -> new MockSchemaRegistryClient());
  }

  /** Forgets the scope's registry; the next {@link #forScope(String)} starts empty. */
  public static void dropScope(String scope) {
    SCOPES.remove(scope);
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
    Integer known = idsBySchema.get(schema);
    if (known != null && versions.contains(known)) {
      return known;
    }
    if (!versions.isEmpty()
        && !canRead(schema, schemasById.get(versions.get(versions.size() - 1)))) {
      throw new SchemaRegistryException(
          "Schema being registered is incompatible with an earlier schema for subject \""
              + subject
              + "\"",
          409,
          SchemaRegistryException.INCOMPATIBLE_SCHEMA);
    }
    int id = known != null ? known : schemasById.size() + 1;
    idsBySchema.put(schema, id);
    schemasById.put(id, schema);
    versions.add(id);
    return id;
  }

  @Override
  public synchronized int lookupId(String subject, Schema schema) {
    return lookup(subject, schema).id();
  }

  /**
   * The subject's version holding {@code schema}, as Confluent's {@code POST /subjects/{subject}}
   * answers.
   */
  public synchronized RegisteredSchema lookup(String subject, Schema schema) {
    List<Integer> versions = versionsBySubject.get(subject);
    if (versions == null) {
      throw notFound(
          "Subject '" + subject + "' not found.", SchemaRegistryException.SUBJECT_NOT_FOUND);
    }
    Integer id = idsBySchema.get(schema);
    if (id == null || !versions.contains(id)) {
      throw notFound("Schema not found", SchemaRegistryException.SCHEMA_NOT_FOUND);
    }
    return new RegisteredSchema(subject, id, versions.indexOf(id) + 1, schema);
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = schemasById.get(id);
    if (schema == null) {
      throw notFound("Schema " + id + " not found", SchemaRegistryException.SCHEMA_NOT_FOUND);
    }
    return schema;
  }

  @Override
  public synchronized RegisteredSchema latestVersion(String subject) {
    List<Integer> versions = versionsBySubject.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw notFound(
          "Subject '" + subject + "' not found.", SchemaRegistryException.SUBJECT_NOT_FOUND);
    }
    int id = versions.get(versions.size() - 1);
    return new RegisteredSchema(subject, id, versions.size(), schemasById.get(id));
  }

  @Override
  public synchronized boolean isCompatibleWithLatest(String subject, Schema schema) {
    List<Integer> versions = versionsBySubject.get(subject);
    return versions == null
        || versions.isEmpty()
        || canRead(schema, schemasById.get(versions.get(versions.size() - 1)));
  }

  private static boolean canRead(Schema reader, Schema writer) {
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
  }

  private static SchemaRegistryException notFound(String message, int errorCode) {
    return new SchemaRegistryException(message, 404, errorCode);
  }
}
