package io.fhirflow.serde;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API the serde needs. Implementations cache what the
 * registry says: an id and its schema never change, so those answers are kept (in a bounded cache).
 *
 * <p>Every method throws {@link SchemaRegistryException} when the registry cannot answer or answers
 * with an error; {@link SchemaRegistryException#errorCode()} carries Confluent's code (40401
 * subject not found, 40403 schema not found, 409 incompatible, 42201 invalid schema).
 */
public interface SchemaRegistryClient extends AutoCloseable {

  /** URL scheme of the in-memory registry: {@code mock://<scope>}. */
  String MOCK_SCHEME = "mock";

  /**
   * Registers {@code schema} under {@code subject} ({@code POST /subjects/{subject}/versions}) and
   * returns its global id; registering a schema the subject already has returns the existing id.
   */
  int register(String subject, Schema schema);

  /**
   * The id of {@code schema} as registered under {@code subject} ({@code POST
   * /subjects/{subject}}).
   */
  int lookupId(String subject, Schema schema);

  /** The schema with global id {@code id} ({@code GET /schemas/ids/{id}}). */
  Schema schemaById(int id);

  /** The subject's latest version ({@code GET /subjects/{subject}/versions/latest}). */
  RegisteredSchema latestVersion(String subject);

  /**
   * Whether {@code schema} may be registered as the subject's next version under the subject's
   * compatibility level ({@code POST /compatibility/subjects/{subject}/versions/latest}); true for
   * a subject that does not exist yet.
   */
  boolean isCompatibleWithLatest(String subject, Schema schema);

  @Override
  default void close() {}

  /**
   * The registry named by {@code schema.registry.url}: {@code mock://<scope>} gives the in-memory
   * registry of that scope, anything else the REST client.
   */
  static SchemaRegistryClient fromConfig(SerdeConfig config) {
    List<String> urls = config.registryUrls();
    if (urls.isEmpty()) {
      throw new org.apache.kafka.common.config.ConfigException(
          SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG + " is required");
    }
    URI first = URI.create(urls.get(0).trim());
    if (MOCK_SCHEME.equals(first.getScheme())) {
      return MockSchemaRegistryClient.forScope(
          first.getAuthority() != null ? first.getAuthority() : first.getSchemeSpecificPart());
    }
    return RestSchemaRegistryClient.fromConfig(config);
  }

  /** Shorthand for {@link #fromConfig(SerdeConfig)} over raw client properties. */
  static SchemaRegistryClient fromConfig(Map<String, ?> props) {
    return fromConfig(new SerdeConfig(props));
  }
}
