package io.fhirflow.api.store;

import io.fhirflow.contracts.Tenants;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * One query of the stores, run as the request's tenant in the same round trip: {@code SELECT
 * set_config('fhirflow.tenant', tenant, true); SELECT ...} as one prepared statement, which pgjdbc
 * sends as one pipeline with a single Sync, so PostgreSQL runs both in one implicit transaction.
 * The setting is transaction-local: it holds for the query that follows it and is gone when that
 * transaction ends, so a pooled connection carries no tenant to its next borrower, and no query of
 * the stores can run with a tenant it did not set itself. (Before, {@link TenantScopedDataSource}
 * set it session-wide on every checkout: one more round trip per query.)
 *
 * <p>The caller owns the connection; closing this closes the statement and its rows.
 */
final class TenantQuery implements AutoCloseable {

  /** The tenant setting, parameter 1; row-level security (sink migration V6) reads it. */
  static final String SET_TENANT = "SELECT set_config('" + Tenants.SQL_SETTING + "', ?, true); ";

  private final PreparedStatement statement;
  private final ResultSet rows;

  private TenantQuery(PreparedStatement statement, ResultSet rows) {
    this.statement = statement;
    this.rows = rows;
  }

  /** Runs {@code sql} on {@code c} as {@link RequestTenant#current()}. */
  static TenantQuery run(Connection c, Sql sql) throws SQLException {
    PreparedStatement ps = sql.prepareAsTenant(c, RequestTenant.current());
    try {
      // First result: set_config's one row; the query's rows come next.
      ps.execute();
      if (!ps.getMoreResults()) {
        throw new SQLException("the query after the tenant setting returned no rows", "XX000");
      }
      return new TenantQuery(ps, ps.getResultSet());
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  /** What a store makes of the rows of one query. */
  @FunctionalInterface
  interface RowsReader<T> {
    T read(ResultSet rows) throws SQLException;
  }

  /**
   * Runs {@code sql} as {@link RequestTenant#current()} on a connection of {@code dataSource} and
   * hands its rows to {@code reader}; a failing database is {@link StoreUnavailableException}.
   */
  static <T> T read(DataSource dataSource, Sql sql, RowsReader<T> reader) {
    try (Connection c = dataSource.getConnection();
        TenantQuery q = run(c, sql)) {
      return reader.read(q.rows());
    } catch (SQLException e) {
      throw new StoreUnavailableException(e.getSQLState());
    }
  }

  ResultSet rows() {
    return rows;
  }

  @Override
  public void close() throws SQLException {
    statement.close();
  }
}
