package io.fhirflow.sink;

import java.sql.SQLException;
import java.util.List;

/**
 * What {@link FhirSinkTask} writes a batch through: PostgreSQL in production ({@link #database}), a
 * writer whose failures a unit test scripts (redelivery, back-off) through the task's seam.
 */
interface BatchWriter extends AutoCloseable {

  /** Opens a task's writer from its configuration. */
  @FunctionalInterface
  interface Factory {
    BatchWriter open(FhirSinkConnectorConfig config, PostgresDatabaseDialect dialect);
  }

  /** Applies {@code removals}, then upserts {@code rows}, in one transaction. */
  RecordWriter.WriteResult write(List<Removal> removals, List<ResourceRow> rows)
      throws SQLException;

  default RecordWriter.WriteResult write(List<ResourceRow> rows) throws SQLException {
    return write(List.of(), rows);
  }

  @Override
  void close();

  /** The production writer: one database session and a {@link RecordWriter} on it. */
  static BatchWriter database(FhirSinkConnectorConfig config, PostgresDatabaseDialect dialect) {
    DatabaseSession session = new DatabaseSession(config, dialect);
    RecordWriter writer = new RecordWriter(session, dialect, config.writeMethod());
    return new BatchWriter() {
      @Override
      public RecordWriter.WriteResult write(List<Removal> removals, List<ResourceRow> rows)
          throws SQLException {
        return writer.write(removals, rows);
      }

      @Override
      public void close() {
        session.close();
      }
    };
  }
}
