package io.fhirflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.testkit.LocalServices;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The Java names of the store ({@link StoreTables}, {@link StoreColumns}) are the schema the
 * migrations really create: every migration is applied to a throwaway schema and PostgreSQL's
 * information_schema is compared with {@link StoreTables#COLUMNS}, so a migration that renames,
 * adds or drops a table or column fails here until the Java owner says the same.
 */
class StoreSchemaIT {

  private final String schema =
      "store_schema_" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);

  @BeforeEach
  void migrateIntoThrowawaySchema() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(LocalServices.postgresUrl());
    StoreMigrations.apply(dataSource, schema);
  }

  @AfterEach
  void dropSchema() throws SQLException {
    try (Connection c = DriverManager.getConnection(LocalServices.postgresUrl());
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  @Test
  void theJavaNamesAreTheMigratedTablesAndColumns() throws SQLException {
    // Map equality: the same tables, each with the same columns in the same order.
    assertThat(migratedColumns()).isEqualTo(StoreTables.COLUMNS);
  }

  /** Every table of the schema but Flyway's history, with its columns in ordinal order. */
  private Map<String, List<String>> migratedColumns() throws SQLException {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection(LocalServices.postgresUrl());
        PreparedStatement s =
            c.prepareStatement(
                "SELECT table_name, column_name FROM information_schema.columns"
                    + " WHERE table_schema = ? AND table_name <> 'flyway_schema_history'"
                    + " ORDER BY table_name, ordinal_position")) {
      s.setString(1, schema);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          tables.computeIfAbsent(r.getString(1), t -> new ArrayList<>()).add(r.getString(2));
        }
      }
    }
    return tables;
  }
}
