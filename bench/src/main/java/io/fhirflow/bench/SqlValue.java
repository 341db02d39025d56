package io.fhirflow.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The first column of a query's first row, read over a connection of its own: the row counts and
 * fingerprints the benchmarks take of the table they fill.
 */
public final class SqlValue {

  private SqlValue() {}

  public static long asLong(String jdbcUrl, String query) throws SQLException {
    return read(jdbcUrl, query, rs -> rs.getLong(1));
  }

  public static String asText(String jdbcUrl, String query) throws SQLException {
    return read(jdbcUrl, query, rs -> rs.getString(1));
  }

  private interface Column<T> {
    T of(ResultSet row) throws SQLException;
  }

  private static <T> T read(String jdbcUrl, String query, Column<T> column) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return column.of(rs);
    }
  }
}
