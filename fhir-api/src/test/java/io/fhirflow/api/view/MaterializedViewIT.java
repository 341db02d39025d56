package io.fhirflow.api.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.cli.Main;
import io.fhirflow.views.ShippedViews;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code fhirflow view materialize} against the real PostgreSQL store the sink fills: every shipped
 * view becomes a PostgreSQL view whose rows are exactly what {@code $run} gives over the same
 * store, and a resource the sink writes afterwards is in the view at once (it is a view, not a
 * copy).
 */
class MaterializedViewIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension static final ApiPerClass api = new ApiPerClass();
  static Map<String, JsonNode> observations;

  @BeforeAll
  static void start() throws Exception {
    observations = SimulatorStore.fill(api.sink());
    for (String id : ShippedViews.IDS) {
      assertThat(cli("view", "materialize", "--view", id, "--jdbc", api.jdbcUrl())).as(id).isZero();
    }
  }

  static int cli(String... args) {
    return Main.run(args);
  }

  /**
   * The PostgreSQL view's rows, each as column -> value text (numbers without trailing zeros),
   * sorted by id.
   */
  static Map<String, Map<String, String>> sqlRows(String view) throws Exception {
    Map<String, Map<String, String>> rows = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(api.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + view)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        Map<String, String> row = new TreeMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          Object v = rs.getObject(i);
          row.put(
              md.getColumnName(i),
              v instanceof BigDecimal d ? text(d) : v == null ? null : v.toString());
        }
        rows.put(row.get("id"), row);
      }
    }
    return rows;
  }

  /**
   * The same from {@code $run?_format=ndjson} (a column that is null may be absent from a line).
   */
  static Map<String, Map<String, String>> runRows(String viewId, List<String> columns)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(api.fhirBase() + "/ViewDefinition/" + viewId + "/$run?_format=ndjson"))
            .header("Authorization", "Bearer " + api.systemToken("system/*.rs"))
            .build();
    HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Map<String, Map<String, String>> rows = new TreeMap<>();
    for (String line : r.body().lines().toList()) {
      JsonNode n = JSON.readTree(line);
      Map<String, String> row = new TreeMap<>();
      for (String c : columns) {
        JsonNode v = n.get(c);
        row.put(
            c, v == null || v.isNull() ? null : v.isNumber() ? text(v.decimalValue()) : v.asText());
      }
      rows.put(row.get("id"), row);
    }
    return rows;
  }

  static String text(BigDecimal d) {
    return d.stripTrailingZeros().toPlainString();
  }

  static List<String> columns(String viewId) {
    List<String> names = new ArrayList<>();
    for (Iterator<JsonNode> it =
            new ShippedViews().find(viewId).orElseThrow().at("/select/0/column").elements();
        it.hasNext(); ) {
      names.add(it.next().get("name").asText());
    }
    return names;
  }

  static String pgName(String viewId) {
    return viewId.replace('-', '_');
  }

  @Test
  void eachShippedViewGivesInPostgresqlTheRowsRunGives() throws Exception {
    for (String id : ShippedViews.IDS) {
      Map<String, Map<String, String>> sql = sqlRows(pgName(id));
      assertThat(sql).as(id).isNotEmpty();
      assertThat(sql).as(id).isEqualTo(runRows(id, columns(id)));
    }
  }

  @Test
  void aResourceTheSinkWritesIsInTheViewAtOnce() throws Exception {
    JsonNode some = observations.values().iterator().next();
    String patient = some.at("/subject/reference").asText().substring("Patient/".length());
    String id = Fixtures.id("materialized-new-heart-rate");
    assertThat(sqlRows("heart_rate")).doesNotContainKey(id);
    String device = Fixtures.id("materialized-device");
    api.seed(
        List.of(
            Fixtures.heartRate(
                id, patient, device, Instant.parse("2026-11-23T07:00:00Z"), 61.5, 1)));
    Map<String, String> row = sqlRows("heart_rate").get(id);
    assertThat(row)
        .containsEntry("patient_id", patient)
        .containsEntry("device_id", device)
        .containsEntry("bpm", "61.5")
        .containsEntry("unit", "/min");
    // The stored dateTime text as it is, offset and precision kept.
    assertThat(row.get("effective")).startsWith("2026-11-23T08:00:00").endsWith("+01:00");
    assertThat(sqlRows("heart_rate")).isEqualTo(runRows("heart-rate", columns("heart-rate")));
  }

  @Test
  void aSecondMaterializeNeedsReplaceAndUntranslatableViewsAreRefusedWithAReason()
      throws Exception {
    PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      assertThat(cli("view", "materialize", "--view", "steps", "--jdbc", api.jdbcUrl()))
          .isEqualTo(1);
      assertThat(
              cli("view", "materialize", "--view", "steps", "--jdbc", api.jdbcUrl(), "--replace"))
          .isZero();
      assertThat(
              cli(
                  "view",
                  "materialize",
                  "--view",
                  "steps",
                  "--jdbc",
                  api.jdbcUrl(),
                  "--name",
                  "steps_copy"))
          .isZero();
      Path forEach = Files.createTempFile("view", ".json");
      Files.writeString(
          forEach,
          """
          {"resourceType":"ViewDefinition","name":"components","resource":"Observation",
           "select":[{"forEach":"component","column":[{"name":"code","path":"code.coding.code.first()"}]}]}""");
      assertThat(cli("view", "materialize", "--view", forEach.toString(), "--jdbc", api.jdbcUrl()))
          .isEqualTo(2);
      assertThat(cli("view", "materialize", "--view", "no-such-view", "--jdbc", api.jdbcUrl()))
          .isEqualTo(2);
    } finally {
      System.setErr(err);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("already exists", "forEach is not translated to SQL", "not a shipped view");
    assertThat(sqlRows("steps_copy")).isEqualTo(sqlRows("steps"));
    try (Connection c = DriverManager.getConnection(api.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('components') IS NULL")) {
      rs.next();
      assertThat(rs.getBoolean(1)).as("a refused view creates nothing").isTrue();
    }
  }
}
