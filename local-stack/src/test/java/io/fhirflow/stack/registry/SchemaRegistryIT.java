package io.fhirflow.stack.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.testkit.BrokerPerClass;
import io.fhirflow.testkit.KafkaBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The development registry over HTTP, as Confluent clients call it, on a real broker. */
class SchemaRegistryIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  static final String V1 = SchemaRegistryTest.V1;
  static final String V2_WITH_DEFAULT = SchemaRegistryTest.V2_WITH_DEFAULT;
  static final String V2_WITHOUT_DEFAULT = SchemaRegistryTest.V2_WITHOUT_DEFAULT;

  @RegisterExtension static final BrokerPerClass kafka = new BrokerPerClass();
  final HttpClient http = HttpClient.newHttpClient();
  String topic;
  SchemaRegistryServer server;

  @BeforeEach
  void startRegistry() {
    topic = KafkaBroker.uniqueTopic("_schemas");
    server = SchemaRegistryServer.start(kafka.broker().bootstrapServers(), topic, 0);
  }

  @AfterEach
  void stopRegistry() {
    server.close();
  }

  @Test
  void registersLooksUpAndServesASchemaById() throws Exception {
    Response registered = post("/subjects/reading-value/versions", schemaBody(V1));
    assertThat(registered.status).isEqualTo(200);
    assertThat(registered.contentType).isEqualTo(CONTENT_TYPE);
    int id = registered.json.get("id").asInt();

    Response lookedUp = post("/subjects/reading-value", schemaBody(V1));
    assertThat(lookedUp.json.get("id").asInt()).isEqualTo(id);
    assertThat(lookedUp.json.get("version").asInt()).isEqualTo(1);
    assertThat(lookedUp.json.get("subject").asText()).isEqualTo("reading-value");

    Response byId = get("/schemas/ids/" + id);
    assertThat(JSON.readTree(byId.json.get("schema").asText())).isEqualTo(JSON.readTree(V1));
    assertThat(get("/schemas/ids/" + id + "/schema").json).isEqualTo(JSON.readTree(V1));
    assertThat(get("/subjects").json.toString()).isEqualTo("[\"reading-value\"]");
    assertThat(get("/subjects/reading-value/versions").json.toString()).isEqualTo("[1]");
    assertThat(get("/subjects/reading-value/versions/latest").json.get("id").asInt()).isEqualTo(id);
  }

  @Test
  void rejectsAnIncompatibleSchemaWithConfluentsConflictError() throws Exception {
    post("/subjects/reading-value/versions", schemaBody(V1));

    Response check =
        post(
            "/compatibility/subjects/reading-value/versions/latest?verbose=true",
            schemaBody(V2_WITHOUT_DEFAULT));
    assertThat(check.json.get("is_compatible").asBoolean()).isFalse();
    assertThat(check.json.get("messages").get(0).asText())
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE");

    Response rejected = post("/subjects/reading-value/versions", schemaBody(V2_WITHOUT_DEFAULT));
    assertThat(rejected.status).isEqualTo(409);
    assertThat(rejected.json.get("error_code").asInt()).isEqualTo(409);
    assertThat(rejected.json.get("message").asText()).contains("incompatible");

    assertThat(
            post(
                    "/compatibility/subjects/reading-value/versions/latest",
                    schemaBody(V2_WITH_DEFAULT))
                .json
                .get("is_compatible")
                .asBoolean())
        .isTrue();
    assertThat(post("/subjects/reading-value/versions", schemaBody(V2_WITH_DEFAULT)).status)
        .isEqualTo(200);
  }

  @Test
  void keepsIdsVersionsAndLevelsAcrossARestart() throws Exception {
    int first = post("/subjects/reading-value/versions", schemaBody(V1)).json.get("id").asInt();
    int second =
        post("/subjects/reading-value/versions", schemaBody(V2_WITH_DEFAULT))
            .json
            .get("id")
            .asInt();
    put("/config/reading-value", "{\"compatibility\":\"FULL\"}");

    server.close();
    server = SchemaRegistryServer.start(kafka.broker().bootstrapServers(), topic, 0);

    assertThat(JSON.readTree(get("/schemas/ids/" + first).json.get("schema").asText()))
        .isEqualTo(JSON.readTree(V1));
    assertThat(get("/subjects/reading-value/versions/2").json.get("id").asInt()).isEqualTo(second);
    assertThat(get("/config/reading-value").json.get("compatibilityLevel").asText())
        .isEqualTo("FULL");
    assertThat(post("/subjects/reading-value/versions", schemaBody(V1)).json.get("id").asInt())
        .isEqualTo(first);
    int third =
        post("/subjects/other-value/versions", schemaBody("\"string\"")).json.get("id").asInt();
    assertThat(third).isGreaterThan(second);
  }

  @Test
  void managesTheGlobalAndSubjectCompatibilityLevels() throws Exception {
    assertThat(get("/config").json.get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
    assertThat(get("/config/reading-value").json.get("error_code").asInt()).isEqualTo(40408);
    assertThat(
            get("/config/reading-value?defaultToGlobal=true")
                .json
                .get("compatibilityLevel")
                .asText())
        .isEqualTo("BACKWARD");

    assertThat(
            put("/config/reading-value", "{\"compatibility\":\"NONE\"}")
                .json
                .get("compatibility")
                .asText())
        .isEqualTo("NONE");
    post("/subjects/reading-value/versions", schemaBody(V1));
    assertThat(post("/subjects/reading-value/versions", schemaBody(V2_WITHOUT_DEFAULT)).status)
        .isEqualTo(200);

    Response invalid = put("/config", "{\"compatibility\":\"SIDEWAYS\"}");
    assertThat(invalid.status).isEqualTo(422);
    assertThat(invalid.json.get("error_code").asInt()).isEqualTo(42203);
  }

  @Test
  void answersMissingThingsAndBadInputWithConfluentErrorBodies() throws Exception {
    assertThat(get("/subjects/nope/versions").json.get("error_code").asInt()).isEqualTo(40401);
    assertThat(get("/schemas/ids/424242").json.get("error_code").asInt()).isEqualTo(40403);
    Response notAvro =
        post("/subjects/reading-value/versions", schemaBody("{\"type\":\"record\"}"));
    assertThat(notAvro.status).isEqualTo(422);
    assertThat(notAvro.json.get("error_code").asInt()).isEqualTo(42201);
    Response protobuf =
        post(
            "/subjects/reading-value/versions",
            "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
    assertThat(protobuf.json.get("error_code").asInt()).isEqualTo(42201);
    assertThat(post("/subjects/reading-value/versions", "not json").status).isEqualTo(400);
  }

  @Test
  void servesTheWearableSampleContractUnderItsSubject() throws Exception {
    String avsc = Files.readString(Path.of("../schemas/src/main/avro/WearableSample.avsc"));

    int id =
        post("/subjects/wearable.samples.raw-value/versions", schemaBody(avsc))
            .json
            .get("id")
            .asInt();

    assertThat(get("/subjects/wearable.samples.raw-value/versions/latest").json.get("id").asInt())
        .isEqualTo(id);
  }

  // --- HTTP plumbing

  record Response(int status, String contentType, JsonNode json) {}

  static String schemaBody(String schema) {
    return JSON.createObjectNode().put("schema", schema).toString();
  }

  Response get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET());
  }

  Response post(String path, String body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Content-Type", CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Response put(String path, String body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Content-Type", CONTENT_TYPE)
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        JSON.readTree(response.body()));
  }
}
