package io.fhirflow.sink;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A query's result as the storage tests compare it: every column of every row, as text. */
final class ResultText {

  private ResultText() {}

  /**
   * The remaining rows of {@code rs}, row after row, each column as {@link ResultSet#getString}.
   */
  static List<String> of(ResultSet rs) throws SQLException {
    int columns = rs.getMetaData().getColumnCount();
    List<String> out = new ArrayList<>();
    while (rs.next()) {
      for (int i = 1; i <= columns; i++) {
        out.add(rs.getString(i));
      }
    }
    return out;
  }
}
