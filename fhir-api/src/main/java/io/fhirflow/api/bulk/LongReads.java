package io.fhirflow.api.bulk;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * How the long reads (bulk exports, view runs) use the store: each in one transaction on a
 * connection of its own, under its own statement timeout (the read pool's is for short lookups; a
 * long read may read the whole store), rolled back at the end since it writes nothing, and each
 * query streamed {@code fetchSize} rows at a time.
 */
public record LongReads(DataSource dataSource, int fetchSize, long statementTimeoutMs) {

  /** What a long read does with its connection, inside its transaction. */
  public interface Work {
    void run(Connection c) throws SQLException, IOException;
  }

  /** Runs {@code work} in a transaction at the connection's default isolation. */
  public void run(Work work) throws SQLException, IOException {
    run(false, work);
  }

  /**
   * Runs {@code work} in a repeatable-read transaction: every query sees the one snapshot taken at
   * its first, as an export's files must.
   */
  public void runInSnapshot(Work work) throws SQLException, IOException {
    run(true, work);
  }

  private void run(boolean snapshot, Work work) throws SQLException, IOException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      if (snapshot) {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      }
      try {
        try (Statement s = c.createStatement()) {
          s.execute("SET LOCAL statement_timeout = " + statementTimeoutMs);
        }
        work.run(c);
      } finally {
        c.rollback();
      }
    }
  }

  /** {@code query} prepared on {@code c} to stream its rows. */
  public PreparedStatement prepare(Connection c, ExportQuery query) throws SQLException {
    return query.prepare(c, fetchSize);
  }
}
