package io.fhirflow.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.store.StoreTables;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The translation's shape and its refusals; PostgreSQL runs the result in fhir-api's
 * MaterializedViewIT.
 */
class PostgresViewTranslatorTest {

  static final PostgresViewTranslator TRANSLATOR =
      new PostgresViewTranslator(FhirContext.forR4Cached());
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode view(String columnPath) throws Exception {
    return JSON.readTree(
        """
        {"resourceType":"ViewDefinition","resource":"Observation","select":[{"column":[{"name":"c","path":%s}]}]}"""
            .formatted(JSON.writeValueAsString(columnPath)));
  }

  @Test
  void everyShippedViewTranslatesWithTypedColumns() {
    for (String id : ShippedViews.IDS) {
      PostgresViewTranslator.Translation t =
          TRANSLATOR.translate(new ShippedViews().find(id).orElseThrow(), Optional.of("store"));
      assertThat(t.select())
          .as(id)
          .contains("FROM \"store\"." + StoreTables.OBSERVATION + " AS r", "\nWHERE ");
      assertThat(t.columns().get(0).name()).isEqualTo("id");
    }
    PostgresViewTranslator.Translation hr =
        TRANSLATOR.translate(new ShippedViews().find("heart-rate").orElseThrow(), Optional.empty());
    assertThat(hr.columns())
        .extracting(PostgresViewTranslator.SqlColumn::sqlType)
        .containsExactly("text", "text", "text", "text", "numeric", "text");
    // The where on one LOINC coding is asked of the sink's indexed codes column; single elements by
    // their keys.
    assertThat(hr.select())
        .contains(
            "WHERE r.codes @> ARRAY['http://loinc.org|8867-4']::text[]",
            "(r.resource #>> '{valueQuantity,value}')::numeric")
        .contains(
            "COALESCE(r.resource #>> '{effectiveDateTime}', r.resource #>> '{effectivePeriod,start}')")
        .doesNotContain("jsonb_path_exists");
    // The sleep view's where (startsWith, nested or) stays a JSON path.
    assertThat(
            TRANSLATOR
                .translate(new ShippedViews().find("sleep").orElseThrow(), Optional.empty())
                .select())
        .contains("jsonb_path_exists(r.resource", "starts with \"SleepSessionRecord\"");
  }

  @Test
  void createViewDropsWhenAskedAndCommentsWhatItWasMadeFrom() {
    var statements =
        TRANSLATOR.createView(
            new ShippedViews().find("steps").orElseThrow(),
            Optional.of("analytics"),
            "steps",
            Optional.empty(),
            true);
    assertThat(statements.get(0)).isEqualTo("DROP VIEW IF EXISTS \"analytics\".\"steps\"");
    assertThat(statements.get(1))
        .startsWith("CREATE VIEW \"analytics\".\"steps\" AS\nSELECT r.id AS \"id\"");
    assertThat(statements.get(2)).contains("https://fhirflow.io/fhir/ViewDefinition/steps");
  }

  @Test
  void whatCannotBeTranslatedIsRefusedSayingWhatAndWhy() throws Exception {
    assertThatThrownBy(() -> TRANSLATOR.translate(view("value.value"), Optional.empty()))
        .hasMessageContaining("'value' may hold several types; name one with value.ofType(...)");
    assertThatThrownBy(() -> TRANSLATOR.translate(view("component.code.text"), Optional.empty()))
        .hasMessageContaining(
            "may give several values; end it with first() or make the column collection: true");
    assertThatThrownBy(() -> TRANSLATOR.translate(view("code.nonsense"), Optional.empty()))
        .hasMessageContaining("CodeableConcept has no element 'nonsense'");
    assertThatThrownBy(() -> TRANSLATOR.translate(view("value.ofType(Quantity)"), Optional.empty()))
        .hasMessageContaining("not a primitive");
    assertThatThrownBy(() -> TRANSLATOR.translate(view("code.coding.count()"), Optional.empty()))
        .hasMessageContaining("count() is not translated to SQL");
    JsonNode forEach =
        JSON.readTree(
            """
        {"resourceType":"ViewDefinition","resource":"Observation","select":[{"forEach":"component","column":[{"name":"c","path":"code.text"}]}]}""");
    assertThatThrownBy(() -> TRANSLATOR.translate(forEach, Optional.empty()))
        .hasMessageContaining("forEach is not translated to SQL");
    JsonNode encounter =
        JSON.readTree(
            """
        {"resourceType":"ViewDefinition","resource":"Encounter","select":[{"column":[{"name":"c","path":"id"}]}]}""");
    assertThatThrownBy(() -> TRANSLATOR.translate(encounter, Optional.empty()))
        .hasMessageContaining("stored types");
  }

  @Test
  void collectionsFirstAndFiltersBecomeSqlJsonPaths() throws Exception {
    assertThat(
            TRANSLATOR
                .translate(
                    view(
                        "component.code.coding.where(system = 'http://loinc.org' and code.startsWith('84')).code.first()"),
                    Optional.empty())
                .select())
        .contains(
            "jsonb_path_query_first(r.resource, '$.\"component\".\"code\".\"coding\" ? (((@.\"system\" == \"http://loinc.org\")"
                + " && @.\"code\" starts with \"84\")).\"code\"'::jsonpath) #>> '{}'");
    JsonNode collection =
        JSON.readTree(
            """
        {"resourceType":"ViewDefinition","resource":"Patient","select":[{"column":[{"name":"g","path":"name.given","collection":true}]}]}""");
    assertThat(TRANSLATOR.translate(collection, Optional.empty()).columns().get(0).sqlType())
        .isEqualTo("jsonb");
    // A quote in a literal cannot leave the SQL string or the JSON path string.
    assertThat(
            TRANSLATOR
                .translate(
                    view("code.coding.where(code = 'it\\'s \\\\ \"x\"').code.first()"),
                    Optional.empty())
                .select())
        .contains("\"it''s \\\\ \\\"x\\\"\"");
  }
}
