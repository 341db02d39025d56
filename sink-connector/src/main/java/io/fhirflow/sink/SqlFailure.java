package io.fhirflow.sink;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * What a database failure means for the batch, from its SQLSTATE (never from its message, which may
 * quote values).
 */
public enum SqlFailure {
  /** The database is unavailable or busy: retry the same batch later; skip nothing. */
  TRANSIENT,
  /** The database refused some row's data (class 22/23): find the row(s), dead-letter them. */
  DATA,
  /** Anything else (missing table, permissions, bad SQL): fail the task; skip nothing. */
  FATAL;

  /** Classifies the first {@link SQLException} in the cause chain; none at all is FATAL. */
  public static SqlFailure classify(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return classify(sql);
      }
      if (t instanceof IOException) {
        return TRANSIENT;
      }
    }
    return FATAL;
  }

  static SqlFailure classify(SQLException e) {
    if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
      return TRANSIENT;
    }
    String state = e.getSQLState();
    if (state == null || state.length() < 2) {
      return e.getCause() instanceof IOException ? TRANSIENT : FATAL;
    }
    return switch (state.substring(0, 2)) {
      // connection exception, insufficient resources, operator intervention (shutdown,
      // cannot connect now), system error (I/O), transaction rollback (serialization, deadlock)
      case "08", "53", "57", "58", "40" -> TRANSIENT;
      case "55" -> state.equals("55P03") ? TRANSIENT : FATAL; // lock not available
      case "22", "23" -> DATA;
      default -> FATAL;
    };
  }

  /** The SQLSTATE for logs (safe: a code, not text), or "none". */
  public static String sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return "none";
  }
}
