package io.fhirflow.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Addresses of the PostgreSQL and Redis that integration tests use: the ones `.ci/run` makes sure
 * are up, overridable with FHIRFLOW_TEST_PG_URL / FHIRFLOW_TEST_REDIS_URL.
 */
public final class LocalServices {

  private LocalServices() {}

  public static String postgresUrl() {
    return env("FHIRFLOW_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
  }

  public static String redisUrl() {
    return env("FHIRFLOW_TEST_REDIS_URL", "redis://127.0.0.1:6379");
  }

  /**
   * Creates a fresh, empty schema so each test owns its tables; returns a JDBC URL whose
   * search_path points at it.
   */
  public static String freshPostgresSchema(String prefix) {
    String schema =
        (prefix + "_" + UUID.randomUUID().toString().substring(0, 8))
            .toLowerCase(java.util.Locale.ROOT);
    try (Connection c = DriverManager.getConnection(postgresUrl());
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL at " + postgresUrl() + " is not reachable", e);
    }
    String base = postgresUrl();
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  private static String env(String key, String fallback) {
    String v = System.getenv(key);
    return v == null || v.isBlank() ? fallback : v;
  }
}
