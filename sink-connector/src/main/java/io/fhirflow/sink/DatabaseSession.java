package io.fhirflow.sink;

import io.fhirflow.store.StoreMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task's one PostgreSQL connection, opened lazily so that a database that is down at start is
 * retried like any other outage. On the first successful connection it applies the Flyway
 * migrations (or checks the tables exist) and creates the session's staging tables (used by {@link
 * WriteMethod#COPY} only; created whatever the method, once per connection, since the writer's
 * method is not the session's to know).
 *
 * <p>pgjdbc is told not to put server error detail (which quotes row values) into exception
 * messages: {@code logServerErrorDetail=false}.
 */
public final class DatabaseSession implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DatabaseSession.class);

  private final PGSimpleDataSource dataSource;
  private final PostgresDatabaseDialect dialect;
  private final boolean migrate;
  private boolean schemaReady;
  private Connection connection;

  public DatabaseSession(FhirSinkConnectorConfig config, PostgresDatabaseDialect dialect) {
    this.dialect = dialect;
    this.migrate = config.schemaMigrate();
    this.dataSource = new PGSimpleDataSource();
    dataSource.setURL(config.connectionUrl());
    if (!config.connectionUser().isEmpty()) {
      dataSource.setUser(config.connectionUser());
    }
    if (config.connectionPassword() != null && config.connectionPassword().value() != null) {
      dataSource.setPassword(config.connectionPassword().value());
    }
    dataSource.setLogServerErrorDetail(false);
    if (dataSource.getApplicationName() == null
        || dataSource.getApplicationName().equals("PostgreSQL JDBC Driver")) {
      dataSource.setApplicationName("fhirflow-sink"); // unless the URL names the application
    }
    dataSource.setTcpKeepAlive(true);
    dataSource.setReWriteBatchedInserts(true);
    dataSource.setConnectTimeout(10);
  }

  /**
   * Compresses the staging table's large resources with lz4 like the target column (V3): a value
   * moved by INSERT ... SELECT keeps the compression it has, so a pglz-compressed staging row would
   * land pglz-compressed, after paying pglz's cost. Without lz4 in the server, pglz stays.
   */
  private static void preferLz4(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET default_toast_compression = 'lz4'");
      c.commit();
    } catch (SQLException e) {
      if (!"22023".equals(e.getSQLState())) {
        throw e;
      }
      c.rollback();
      log.info("lz4 is not available in this PostgreSQL build: staging stays pglz-compressed");
    }
  }

  /** The open connection (auto-commit off), opening and preparing it first if needed. */
  public Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = null;
      if (!schemaReady) {
        prepareSchema();
        schemaReady = true;
      }
      Connection c = dataSource.getConnection();
      try {
        c.setAutoCommit(false);
        preferLz4(c);
        try (Statement s = c.createStatement()) {
          // A 5000-row staging batch is ~7 MB; the 8 MB default spills temp pages to disk.
          // temp_buffers can only change before the session's first temp table access.
          s.execute("SET temp_buffers = '64MB'");
          for (ResourceType type : ResourceType.values()) {
            if (dialect.table(type) != null) {
              s.execute(dialect.createStage(type));
            }
          }
        }
        c.commit();
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      connection = c;
    }
    return connection;
  }

  /** Drops the connection after a failure; the next {@link #connection()} opens a fresh one. */
  public void reset() {
    close();
  }

  private void prepareSchema() throws SQLException {
    if (migrate) {
      try {
        String currentSchema = dataSource.getCurrentSchema();
        StoreMigrations.apply(
            dataSource,
            currentSchema == null || currentSchema.isBlank()
                ? null
                : currentSchema.split(",")[0].trim());
      } catch (RuntimeException e) {
        // Flyway wraps the SQLException; unwrap it so an outage stays retriable.
        for (Throwable t = e; t != null; t = t.getCause()) {
          if (t instanceof SQLException sql) {
            throw sql;
          }
        }
        throw e;
      }
      return;
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement check = c.prepareStatement(dialect.tableExists())) {
      for (ResourceType type : ResourceType.values()) {
        if (dialect.table(type) == null) {
          continue;
        }
        check.setString(1, dialect.table(type));
        try (ResultSet rs = check.executeQuery()) {
          rs.next();
          if (!rs.getBoolean(1)) {
            throw new IllegalStateException(
                "table "
                    + dialect.table(type)
                    + " does not exist and "
                    + FhirSinkConnectorConfig.SCHEMA_MIGRATE_CONFIG
                    + "=false");
          }
        }
      }
    }
  }

  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("closing a broken connection failed sqlState={}", e.getSQLState());
      }
      connection = null;
    }
  }
}
