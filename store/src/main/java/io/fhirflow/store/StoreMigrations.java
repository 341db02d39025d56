package io.fhirflow.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The store's schema: the Flyway migrations under {@code db/migration} in this jar, the only
 * definition of the tables, columns and indexes. The sink applies them on its first connection
 * (unless a DBA does); the benchmarks apply them to their own schemas; the API never migrates.
 */
public final class StoreMigrations {

  /** Where the migration files are, on the class path of whoever carries this jar. */
  public static final String LOCATION = "classpath:db/migration";

  private StoreMigrations() {}

  /**
   * Applies the pending migrations to the data source's current schema, or to {@code schema} when
   * given (Flyway then creates it if needed and keeps its history table in it).
   *
   * @throws org.flywaydb.core.api.FlywayException wrapping the {@link java.sql.SQLException} of an
   *     outage or a refused statement
   */
  public static void apply(DataSource dataSource, String schema) {
    // This class's loader: in a Connect worker it is the plugin's, which holds this jar.
    var flyway =
        Flyway.configure(StoreMigrations.class.getClassLoader())
            .dataSource(dataSource)
            .locations(LOCATION);
    if (schema != null && !schema.isBlank()) {
      flyway.schemas(schema);
    }
    flyway.load().migrate();
  }
}
