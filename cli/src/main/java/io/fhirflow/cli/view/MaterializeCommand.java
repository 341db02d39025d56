package io.fhirflow.cli.view;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.store.StoreTables;
import io.fhirflow.views.PostgresViewTranslator;
import io.fhirflow.views.ShippedViews;
import io.fhirflow.views.UnsupportedViewException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fhirflow view materialize}: creates a PostgreSQL view that gives a ViewDefinition's rows
 * from the sink's tables. A view rather than a table, so it is as current as the store on every
 * query with nothing to refresh (docs/analytics.md says why). Exit 0 created, 1 database fault, 2 a
 * view or option that cannot be translated.
 */
@Command(
    name = "materialize",
    mixinStandardHelpOptions = true,
    description = {
      "Create a PostgreSQL view giving a SQL on FHIR ViewDefinition's rows from the store's tables;",
      "it reads the store whenever it is queried, so it stays current. Shipped views: heart-rate, steps, sleep, blood-pressure."
    })
public final class MaterializeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--view",
      required = true,
      description =
          "A shipped view id (heart-rate, steps, sleep, blood-pressure) or a ViewDefinition JSON file.")
  String view;

  @Option(
      names = "--jdbc",
      defaultValue = "${env:FHIRFLOW_JDBC_URL}",
      description =
          "PostgreSQL JDBC URL of the store (env FHIRFLOW_JDBC_URL, so a password need not be on the command line).")
  String jdbcUrl;

  @Option(
      names = "--schema",
      description = "Schema to create the view in (default: the connection's current schema).")
  String schema;

  @Option(
      names = "--source-schema",
      description =
          "Schema of the sink's tables "
              + StoreTables.OBSERVATION
              + ", "
              + StoreTables.PATIENT
              + ", "
              + StoreTables.DEVICE
              + " (default: the connection's search path).")
  String sourceSchema;

  @Option(
      names = "--name",
      description =
          "Name of the PostgreSQL view (default: the ViewDefinition's name, e.g. heart_rate).")
  String name;

  @Option(
      names = "--replace",
      description = "Drop a view of that name first (its columns may have changed).")
  boolean replace;

  @Option(
      names = "--print-sql",
      description = "Print the statements instead of running them (no database needed).")
  boolean printSql;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> statements;
    String viewName;
    try {
      JsonNode definition = definition();
      viewName =
          name != null
              ? name
              : definition
                  .path("name")
                  .asText(definition.path("id").asText("view").replace('-', '_'));
      PostgresViewTranslator translator = new PostgresViewTranslator(FhirContext.forR4Cached());
      statements =
          translator.createView(
              definition,
              Optional.ofNullable(schema),
              viewName,
              Optional.ofNullable(sourceSchema),
              replace);
    } catch (UnsupportedViewException | IOException e) {
      err.println("cannot materialize " + view + ": " + e.getMessage());
      return 2;
    }
    if (printSql) {
      statements.forEach(s -> out.println(s + ";"));
      return 0;
    }
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      err.println("--jdbc (or FHIRFLOW_JDBC_URL) is required");
      return 2;
    }
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (String statement : statements) {
          s.execute(statement);
        }
      }
      c.commit();
    } catch (SQLException e) {
      // PostgreSQL's message names the object (a missing table, an existing view), never row data.
      err.println(
          "database refused the view "
              + viewName
              + ": "
              + e.getMessage()
              + " (sqlstate "
              + e.getSQLState()
              + ")");
      return 1;
    }
    out.println(
        "created view "
            + (schema == null ? "" : schema + ".")
            + viewName
            + " from ViewDefinition "
            + view);
    return 0;
  }

  private JsonNode definition() throws IOException {
    Optional<JsonNode> shipped = new ShippedViews().find(view);
    if (shipped.isPresent()) {
      return shipped.get();
    }
    Path file = Path.of(view);
    if (!Files.isRegularFile(file)) {
      throw new UnsupportedViewException(
          "not a shipped view (" + String.join(", ", ShippedViews.IDS) + ") nor a file");
    }
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    if (!"ViewDefinition".equals(json.path("resourceType").asText())) {
      throw new UnsupportedViewException("the file does not hold a ViewDefinition");
    }
    return json;
  }
}
