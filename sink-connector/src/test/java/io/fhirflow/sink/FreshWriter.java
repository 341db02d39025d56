package io.fhirflow.sink;

import io.fhirflow.testkit.LocalServices;
import java.util.Map;

/** A {@link RecordWriter} on a fresh schema of the real PostgreSQL, migrated. */
record FreshWriter(
    String url, DatabaseSession session, RecordWriter writer, ResourceExtractor extractor)
    implements AutoCloseable {

  static FreshWriter open(String schemaPrefix, WriteMethod method) {
    String url = LocalServices.freshPostgresSchema(schemaPrefix);
    FhirSinkConnectorConfig config = new FhirSinkConnectorConfig(Map.of("connection.url", url));
    PostgresDatabaseDialect dialect = new PostgresDatabaseDialect(config.tableMapping());
    DatabaseSession session = new DatabaseSession(config, dialect);
    return new FreshWriter(
        url,
        session,
        new RecordWriter(session, dialect, method),
        new ResourceExtractor(config.tableMapping()));
  }

  /** The schema the URL names. */
  String schema() {
    return url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
  }

  @Override
  public void close() {
    session.close();
  }
}
