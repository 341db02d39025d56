package io.fhirflow.api.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every test case of the SQL on FHIR v2 specification (src/test/resources/sql-on-fhir/tests,
 * see the README there) against the runner. Rows are compared as a multiset (the specification does
 * not order rows), numbers by value. Cases listed in {@link #SKIPPED} are skipped with their
 * reason; the totals are printed at the end.
 */
class SpecificationTest {

  static final FhirContext FHIR = FhirContext.forR4Cached();

  /** Decimals digit for digit, as the API reads them (1.0 must reach HAPI as 1.0, not 1). */
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  static final ViewEvaluator EVALUATOR = new ViewEvaluator(FHIR);

  /**
   * "file/title" of the cases skipped, and why: none. (The decimal lowBoundary/highBoundary cases
   * once were: this test's own JSON reading turned 1.0 into 1, whose boundaries are 0.5/1.5.)
   */
  static final Map<String, String> SKIPPED = Map.of();

  static int passed;
  static int skipped;

  static Stream<Arguments> cases() throws IOException, URISyntaxException {
    Path dir = Path.of(SpecificationTest.class.getResource("/sql-on-fhir/tests").toURI());
    List<Arguments> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        JsonNode suite = JSON.readTree(f.toFile());
        for (JsonNode test : suite.get("tests")) {
          String name =
              f.getFileName().toString().replace(".json", "") + "/" + test.get("title").asText();
          out.add(Arguments.of(name, suite.get("resources"), test));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void specificationCase(String name, JsonNode resources, JsonNode test) throws Exception {
    if (SKIPPED.containsKey(name)) {
      skipped++;
      Assumptions.abort(SKIPPED.get(name));
    }
    List<Resource> parsed = parse(resources);
    if (test.has("expectError")) {
      assertThatThrownBy(() -> run(test.get("view"), parsed))
          .isInstanceOf(ViewDefinitionException.class);
    } else {
      List<Object[]> rows = new ArrayList<>();
      CompiledView view = EVALUATOR.compiler().compile(test.get("view"));
      for (Resource r : parsed) {
        rows.addAll(EVALUATOR.rows(view, r));
      }
      if (test.has("expectColumns")) {
        assertThat(view.columns())
            .containsExactlyElementsOf(
                JSON.convertValue(
                    test.get("expectColumns"),
                    JSON.getTypeFactory().constructCollectionType(List.class, String.class)));
      }
      assertThat(sorted(toJson(view, rows)))
          .as(name)
          .isEqualTo(sorted((ArrayNode) test.get("expect")));
    }
    passed++;
  }

  static void run(JsonNode viewJson, List<Resource> resources) {
    CompiledView view = EVALUATOR.compiler().compile(viewJson);
    resources.forEach(r -> EVALUATOR.rows(view, r));
  }

  static List<Resource> parse(JsonNode resources) {
    IParser parser = FHIR.newJsonParser().setParserErrorHandler(new LenientErrorHandler(false));
    List<Resource> out = new ArrayList<>();
    for (JsonNode r : resources) {
      out.add((Resource) parser.parseResource(r.toString()));
    }
    return out;
  }

  /**
   * The rows as the JSON output format writes them, re-read so that numbers compare like the
   * expected ones.
   */
  static ArrayNode toJson(CompiledView view, List<Object[]> rows) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (RowWriter w = RowWriter.create(RowWriter.Format.JSON, view.columns(), out, true)) {
      for (Object[] r : rows) {
        w.write(r);
      }
    }
    return (ArrayNode) JSON.readTree(out.toByteArray());
  }

  /**
   * Rows in a canonical order (by their text with numbers normalised), for an order-free
   * comparison.
   */
  static List<String> sorted(ArrayNode rows) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : rows) {
      out.add(normalise(r).toString());
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  static JsonNode normalise(JsonNode n) {
    if (n.isNumber()) {
      return JSON.getNodeFactory().numberNode(new BigDecimal(n.asText()).stripTrailingZeros());
    }
    if (n.isObject()) {
      var o = JSON.createObjectNode();
      new java.util.TreeMap<String, JsonNode>(
              JSON.convertValue(
                  n, new com.fasterxml.jackson.core.type.TypeReference<Map<String, JsonNode>>() {}))
          .forEach((k, v) -> o.set(k, normalise(v)));
      return o;
    }
    if (n.isArray()) {
      var a = JSON.createArrayNode();
      n.forEach(e -> a.add(normalise(e)));
      return a;
    }
    return n;
  }

  @AfterAll
  static void report() {
    System.out.println("SQL on FHIR specification cases: passed=" + passed + " skipped=" + skipped);
  }
}
