package io.fhirflow.api.view;

import static io.fhirflow.contracts.FhirSystems.LOINC;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.AuditEvents;
import io.fhirflow.api.support.RequestHeaders;
import io.fhirflow.api.support.SharedValidator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The $run operation over a real store filled with what the traffic simulator generates for three
 * users over two days, mapped by the production mapper and written by the sink: each shipped view
 * gives one row per matching Observation with the values the resources hold; formats, confinement,
 * inline views and resources, errors, audit.
 */
class ViewRunIT {

  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final ApiPerClass api = new ApiPerClass();
  static AuditEvents audit;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Every stored Observation, by id. */
  static final Map<String, JsonNode> OBSERVATIONS = new LinkedHashMap<>();

  static String somePatient;

  @BeforeAll
  static void start() throws Exception {
    audit = api.auditEvents();
    OBSERVATIONS.putAll(SimulatorStore.fill(api.sink()));
    somePatient =
        OBSERVATIONS
            .values()
            .iterator()
            .next()
            .path("subject")
            .path("reference")
            .asText()
            .substring("Patient/".length());
  }

  @AfterAll
  static void stop() throws Exception {
    audit.close();
  }

  static boolean hasLoinc(JsonNode o, String code) {
    for (JsonNode c : o.path("code").path("coding")) {
      if (LOINC.equals(c.path("system").asText()) && code.equals(c.path("code").asText())) {
        return true;
      }
    }
    return false;
  }

  static List<JsonNode> observations(Predicate<JsonNode> filter) {
    return OBSERVATIONS.values().stream().filter(filter).toList();
  }

  static HttpResponse<String> get(String path, String token, String... headers) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(api.fhirBase() + path)).GET(), token, headers);
  }

  static HttpResponse<String> post(String path, String token, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(api.fhirBase() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/fhir+json"),
        token);
  }

  private static HttpResponse<String> send(
      HttpRequest.Builder request, String token, String... headers) throws Exception {
    return HTTP.send(
        RequestHeaders.add(request, token, headers).build(), HttpResponse.BodyHandlers.ofString());
  }

  static List<JsonNode> ndjson(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/x-ndjson");
    List<JsonNode> rows = new ArrayList<>();
    for (String line : r.body().lines().toList()) {
      rows.add(JSON.readTree(line));
    }
    return rows;
  }

  static Map<String, JsonNode> byId(List<JsonNode> rows) {
    Map<String, JsonNode> m = new HashMap<>();
    rows.forEach(r -> m.put(r.get("id").asText(), r));
    return m;
  }

  static String system() {
    return api.systemToken("system/*.rs");
  }

  /**
   * Runs the shipped view {@code view} as NDJSON: one row (at least one) for each stored
   * Observation of {@code loinc}, by id, each checked against its Observation by {@code
   * matches(row, observation)}.
   */
  static void assertOneRowPerObservation(
      String view, String loinc, BiConsumer<JsonNode, JsonNode> matches) throws Exception {
    List<JsonNode> expected = observations(o -> hasLoinc(o, loinc));
    Map<String, JsonNode> rows =
        byId(ndjson(get("/ViewDefinition/" + view + "/$run?_format=ndjson", system())));
    assertThat(rows).isNotEmpty().hasSameSizeAs(expected);
    for (JsonNode o : expected) {
      matches.accept(rows.get(o.get("id").asText()), o);
    }
  }

  /** The row's {@code column} is the number at {@code pointer} in the Observation. */
  static void assertSameNumber(JsonNode row, String column, JsonNode o, String pointer) {
    assertThat(row.get(column).decimalValue()).isEqualByComparingTo(o.at(pointer).decimalValue());
  }

  @Test
  void heartRateGivesOneRowPerHeartRateObservationWithItsValue() throws Exception {
    assertOneRowPerObservation(
        "heart-rate",
        "8867-4",
        (row, o) -> {
          assertThat(row.get("patient_id").asText())
              .isEqualTo(o.at("/subject/reference").asText().substring(8));
          assertSameNumber(row, "bpm", o, "/valueQuantity/value");
          assertThat(row.get("unit").asText()).isEqualTo("/min");
          assertThat(row.get("effective").asText()).isNotEmpty();
        });
  }

  @Test
  void stepsSleepAndBloodPressureFlattenTheirObservations() throws Exception {
    assertOneRowPerObservation(
        "steps",
        "55423-8",
        (row, o) -> {
          assertSameNumber(row, "steps", o, "/valueQuantity/value");
          assertThat(row.get("period_start").asText())
              .isEqualTo(o.at("/effectivePeriod/start").asText());
          assertThat(row.get("period_end").asText())
              .isEqualTo(o.at("/effectivePeriod/end").asText());
        });
    assertOneRowPerObservation(
        "blood-pressure",
        "85354-9",
        (row, o) -> {
          assertSameNumber(row, "systolic", o, "/component/0/valueQuantity/value");
          assertSameNumber(row, "diastolic", o, "/component/1/valueQuantity/value");
          assertThat(row.get("unit").asText()).isEqualTo("mm[Hg]");
        });

    List<JsonNode> sleep = ndjson(get("/ViewDefinition/sleep/$run?_format=ndjson", system()));
    List<JsonNode> sleepObservations =
        observations(o -> o.at("/code/text").asText().toLowerCase().contains("sleep"));
    assertThat(sleep).isNotEmpty().hasSameSizeAs(sleepObservations);
    assertThat(sleep)
        .allSatisfy(
            r -> {
              assertThat(r.get("minutes").decimalValue().signum()).isPositive();
              assertThat(r.get("period_start").isNull()).isFalse();
            });
  }

  @Test
  void csvAndJsonCarryTheSameRows() throws Exception {
    HttpResponse<String> csv = get("/ViewDefinition/heart-rate/$run?_format=csv", system());
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    List<String> lines = csv.body().lines().toList();
    assertThat(lines.get(0)).isEqualTo("id,patient_id,device_id,effective,bpm,unit");
    int count = observations(o -> hasLoinc(o, "8867-4")).size();
    assertThat(lines).hasSize(count + 1);
    HttpResponse<String> noHeader =
        get("/ViewDefinition/heart-rate/$run?_format=csv&header=false", system());
    assertThat(noHeader.body().lines().count()).isEqualTo(count);
    HttpResponse<String> json =
        get("/ViewDefinition/heart-rate/$run", system(), "Accept", "application/json");
    assertThat(json.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(JSON.readTree(json.body())).hasSize(count);
    assertThat(ndjson(get("/ViewDefinition/heart-rate/$run?_format=ndjson&_limit=7", system())))
        .hasSize(7);
  }

  @Test
  void aPatientTokenSeesOnlyItsPatientsRows() throws Exception {
    String token = api.patientToken(somePatient, "patient/*.rs");
    List<JsonNode> rows = ndjson(get("/ViewDefinition/heart-rate/$run?_format=ndjson", token));
    long expected =
        observations(
                o ->
                    hasLoinc(o, "8867-4")
                        && o.at("/subject/reference").asText().equals("Patient/" + somePatient))
            .size();
    assertThat(rows)
        .hasSize((int) expected)
        .allSatisfy(r -> assertThat(r.get("patient_id").asText()).isEqualTo(somePatient));
    String other =
        observations(o -> !o.at("/subject/reference").asText().equals("Patient/" + somePatient))
            .get(0)
            .at("/subject/reference")
            .asText()
            .substring(8);
    assertThat(
            ndjson(
                get(
                    "/ViewDefinition/heart-rate/$run?_format=ndjson&patient=Patient/" + other,
                    token)))
        .isEmpty();
    // A system token may narrow to one patient with the patient parameter.
    assertThat(
            ndjson(
                get(
                    "/ViewDefinition/heart-rate/$run?_format=ndjson&patient=Patient/" + somePatient,
                    system())))
        .hasSize((int) expected);
  }

  @Test
  void anInlineViewRunsOverInlineResourcesOrTheStore() throws Exception {
    ObjectNode view =
        (ObjectNode)
            JSON.readTree(
                """
        {"resourceType":"ViewDefinition","resource":"Patient","status":"active",
         "select":[{"column":[{"name":"id","path":"getResourceKey()"}]},
                   {"forEach":"name","column":[{"name":"family","path":"family"}]}]}""");
    ObjectNode params = JSON.createObjectNode().put("resourceType", "Parameters");
    ArrayNode p = params.putArray("parameter");
    p.addObject().put("name", "viewResource").set("resource", view);
    p.addObject().put("name", "_format").put("valueCode", "ndjson");
    p.addObject()
        .put("name", "resource")
        .set(
            "resource",
            JSON.readTree(
                "{\"resourceType\":\"Patient\",\"id\":\"inline-1\",\"name\":[{\"family\":\"Doe\"},{\"family\":\"Roe\"}]}"));
    List<JsonNode> rows =
        ndjson(post("/ViewDefinition/$viewdefinition-run", system(), params.toString()));
    assertThat(rows).extracting(r -> r.get("family").asText()).containsExactly("Doe", "Roe");

    // The same view over the store: the simulator's patients have no names, so forEach yields no
    // rows.
    p.remove(2);
    assertThat(ndjson(post("/ViewDefinition/$run", system(), params.toString()))).isEmpty();

    ObjectNode byReference = JSON.createObjectNode().put("resourceType", "Parameters");
    byReference
        .putArray("parameter")
        .addObject()
        .put("name", "viewReference")
        .putObject("valueReference")
        .put("reference", "ViewDefinition/blood-pressure");
    HttpResponse<String> r = post("/ViewDefinition/$run", system(), byReference.toString());
    assertThat(JSON.readTree(r.body())).hasSize(observations(o -> hasLoinc(o, "85354-9")).size());
  }

  @Test
  void inlineResourcesKeepTheirDecimalsDigitForDigit() throws Exception {
    // FHIR decimals carry their precision (1.50 is not 1.5, and 20 digits are not a double's 17).
    String body =
        """
        {"resourceType":"Parameters","parameter":[
          {"name":"viewResource","resource":{"resourceType":"ViewDefinition","resource":"Observation","status":"active",
            "select":[{"column":[{"name":"v","path":"value.ofType(Quantity).value"},
                                 {"name":"low","path":"value.ofType(Quantity).value.lowBoundary()"}]}]}},
          {"name":"_format","valueCode":"ndjson"},
          {"name":"resource","resource":{"resourceType":"Observation","id":"d1","status":"final","code":{"text":"x"},
            "valueQuantity":{"value":0.12345678901234567891}}},
          {"name":"resource","resource":{"resourceType":"Observation","id":"d2","status":"final","code":{"text":"x"},
            "valueQuantity":{"value":1.50}}}]}""";
    HttpResponse<String> r = post("/ViewDefinition/$run", system(), body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"v\":0.12345678901234567891", "\"v\":1.50", "\"low\":1.495");
  }

  @Test
  void shippedViewsCanBeReadAndRefusalsAreOperationOutcomes() throws Exception {
    HttpResponse<String> read = get("/ViewDefinition/sleep", system());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(read.body()).get("resource").asText()).isEqualTo("Observation");

    assertThat(get("/ViewDefinition/nope/$run", system()).statusCode()).isEqualTo(404);
    assertThat(get("/ViewDefinition/heart-rate/$run", null).statusCode()).isEqualTo(401);
    assertThat(
            get("/ViewDefinition/heart-rate/$run", api.systemToken("system/Patient.rs"))
                .statusCode())
        .isEqualTo(403);
    assertThat(get("/ViewDefinition/heart-rate/$run?_format=parquet", system()).statusCode())
        .isEqualTo(400);
    String badView =
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"viewResource\",\"resource\":"
            + "{\"resourceType\":\"ViewDefinition\",\"resource\":\"Observation\",\"select\":[{\"forEach\":\"@@\"}]}}]}";
    HttpResponse<String> bad = post("/ViewDefinition/$run", system(), badView);
    assertThat(bad.statusCode()).isEqualTo(400);
    SharedValidator.assertValid(bad.body());
    String notStored =
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"viewResource\",\"resource\":"
            + "{\"resourceType\":\"ViewDefinition\",\"resource\":\"Encounter\",\"select\":[{\"column\":[{\"name\":\"id\",\"path\":\"id\"}]}]}}]}";
    assertThat(post("/ViewDefinition/$run", system(), notStored).statusCode()).isEqualTo(400);
  }

  @Test
  void aRunIsAuditedAsAnOperationOnTheView() throws Exception {
    HttpResponse<String> r =
        get("/ViewDefinition/steps/$run?_format=csv&patient=Patient/" + somePatient, system());
    String event = audit.forRequest(r.headers().firstValue("X-Request-Id").orElseThrow());
    SharedValidator.assertValid(event);
    assertThat(event)
        .contains(
            "\"code\":\"operation\"",
            "ViewDefinition/steps",
            "Patient/" + somePatient,
            "_format,patient");
  }
}
