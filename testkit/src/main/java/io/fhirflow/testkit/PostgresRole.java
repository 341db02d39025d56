package io.fhirflow.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A PostgreSQL login role of its own for one test class, reading as a deployment's API does:
 * neither a superuser nor the tables' owner, so row-level security binds it. Granted read on a
 * schema once the tables exist; {@link #close()} drops it and what it was granted.
 */
public final class PostgresRole implements AutoCloseable {

  private final String name;

  private PostgresRole(String name) {
    this.name = name;
  }

  /** Creates a role named {@code prefix} and a random suffix, on {@link LocalServices}. */
  public static PostgresRole create(String prefix) throws SQLException {
    PostgresRole role =
        new PostgresRole(
            (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT));
    execute("CREATE ROLE " + role.name + " LOGIN");
    return role;
  }

  public String name() {
    return name;
  }

  /** Lets the role read every table of {@code schema} as it is now (grant after migrating). */
  public void grantRead(String schema) throws SQLException {
    execute("GRANT USAGE ON SCHEMA " + schema + " TO " + name);
    execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + schema + " TO " + name);
  }

  /** {@code jdbcUrl} connecting as this role instead of its own user. */
  public String url(String jdbcUrl) {
    return jdbcUrl.matches(".*[?&]user=.*")
        ? jdbcUrl.replaceFirst("([?&])user=[^&]*", "$1user=" + name)
        : jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "user=" + name;
  }

  @Override
  public void close() throws SQLException {
    execute("DROP OWNED BY " + name);
    execute("DROP ROLE " + name);
  }

  private static void execute(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection(LocalServices.postgresUrl());
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
