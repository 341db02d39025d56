package io.fhirflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.CapturedLogs;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.store.StoreTables;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Malformed, unknown and hostile parameters: a 400 OperationOutcome, never a 500, a stack trace,
 * SQL or stored data.
 */
class BadInputIT {

  static final String A = Fixtures.id("bad-patient-a");
  static final String OBS = Fixtures.id("bad-hr-0");
  static final String STORED_MARKER = "HKQuantityTypeIdentifierHeartRate";

  static final List<String> HOSTILE =
      List.of(
          "' OR '1'='1",
          "'; DROP TABLE " + StoreTables.OBSERVATION + "; --",
          "1) OR (1=1",
          "%' --",
          "\\'",
          "$$; SELECT pg_sleep(5); $$",
          "Patient/x' UNION SELECT resource::text FROM " + StoreTables.OBSERVATION + " --",
          "\"}]}",
          "a|b|c'",
          "ge2026-01-01' OR 1=1--");
  static final List<String> PARAMETERS =
      List.of(
          "patient",
          "subject",
          "code",
          "category",
          "date",
          "_sort",
          "_count",
          "_cursor",
          "_summary",
          "_elements");

  static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension static final ApiPerClass api = new ApiPerClass();

  @BeforeAll
  static void start() throws Exception {
    api.seed(
        Fixtures.patientWithHeartRate(
            A, "bad-user", OBS, Fixtures.id("bad-dev"), Instant.parse("2026-11-20T00:00:00Z"), 71));
  }

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    return api.get(path, api.patientToken(A, "patient/*.rs"), headers);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void unknownSearchParameterIs400WithOperationOutcome() throws Exception {
    HttpResponse<String> r = get("/fhir/Observation?patient=" + A + "&colour=blue");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("OperationOutcome").contains("colour").doesNotContain("blue");
  }

  @Test
  void preferLenientIgnoresUnknownParameters() throws Exception {
    HttpResponse<String> r =
        get("/fhir/Observation?patient=" + A + "&colour=blue", "Prefer", "handling=lenient");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains(OBS);
  }

  @Test
  void preferStrictIsTheDefault() throws Exception {
    assertThat(
            get("/fhir/Observation?patient=" + A + "&colour=blue", "Prefer", "handling=strict")
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void malformedValuesAre400() throws Exception {
    for (String query :
        List.of(
            "date=yesterday",
            "date=ne2026-01-01",
            "_count=ten",
            "_sort=value",
            "code:text=heart",
            "patient=Device/x",
            "patient.name=x",
            "date:missing=true",
            "code=%7C",
            "_count=0",
            "_count=-5")) {
      HttpResponse<String> r = get("/fhir/Observation?patient=" + A + "&" + query);
      assertThat(r.statusCode()).as(query).isEqualTo(400);
      assertThat(r.body()).as(query).contains("OperationOutcome");
    }
  }

  @Test
  void sqlMetacharactersInEveryParameterAreJustValues() throws Exception {
    try (CapturedLogs logs = new CapturedLogs()) {
      for (String parameter : PARAMETERS) {
        for (String value : HOSTILE) {
          HttpResponse<String> r =
              get("/fhir/Observation?patient=" + A + "&" + parameter + "=" + enc(value));
          assertThat(r.statusCode()).as(parameter + "=" + value).isIn(200, 400);
          assertNoLeak(r.body());
          if (r.statusCode() == 400) {
            assertThat(r.body()).doesNotContain(STORED_MARKER);
          } else if (!parameter.equals("_elements")) {
            // Only element filtering can still match; any other hostile value must not select a
            // row.
            assertThat(r.body())
                .as(parameter + "=" + value)
                .doesNotContain("\"entry\"")
                .containsIgnoringCase("Bundle");
          }
        }
      }
      for (String value : HOSTILE) {
        assertThat(get("/fhir/Observation/" + enc(value)).statusCode()).isIn(400, 404);
        assertThat(get("/fhir/Patient?identifier=" + enc(value)).statusCode()).isIn(200, 400);
        assertThat(
                get("/fhir/Observation/$lastn?patient=" + A + "&code=" + enc(value) + "&max=1")
                    .body())
            .doesNotContain(OBS);
        assertThat(get("/metrics/Patient/" + enc(value)).statusCode()).isIn(400, 404);
      }
      assertThat(logs.lines())
          .noneMatch(
              l ->
                  l.contains(A)
                      || l.contains(OBS)
                      || l.matches("(?s).*\\bSELECT\\b.*")
                      || l.contains(STORED_MARKER)
                      || l.contains("DROP TABLE"));
    }
    try (Connection c = DriverManager.getConnection(api.jdbcUrl());
        ResultSet rs =
            c.createStatement().executeQuery("SELECT count(*) FROM " + StoreTables.OBSERVATION)) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(1);
    }
  }

  @Test
  void databaseOutageIs503WithoutDetails() throws Exception {
    // A statement against a table that is gone produces a driver error; only a request id may come
    // back.
    try (Connection c = DriverManager.getConnection(api.jdbcUrl())) {
      c.createStatement()
          .execute("ALTER TABLE " + StoreTables.DEVICE + " RENAME TO fhir_device_away");
    }
    try (CapturedLogs logs = new CapturedLogs()) {
      HttpResponse<String> r = get("/fhir/Device/" + Fixtures.id("x"));
      assertThat(r.statusCode()).isEqualTo(503);
      assertNoLeak(r.body());
      assertThat(r.body()).contains("OperationOutcome");
      assertThat(logs.lines())
          .noneMatch(l -> l.contains(StoreTables.DEVICE) || l.matches("(?s).*\\bSELECT\\b.*"));
    } finally {
      try (Connection c = DriverManager.getConnection(api.jdbcUrl())) {
        c.createStatement().execute("ALTER TABLE fhir_device_away RENAME TO " + StoreTables.DEVICE);
      }
    }
  }

  @Test
  void largeFormPostToSearchIs4xxOperationOutcomeWithoutAStackTrace() throws Exception {
    StringBuilder manyKeys = new StringBuilder("patient=" + A);
    for (int i = 0; i < 2000; i++) {
      manyKeys.append("&k").append(i).append("=1");
    }
    try (CapturedLogs logs = new CapturedLogs()) {
      // Over the size limit: refused from the headers alone, without a 100 Continue. Sent on a raw
      // socket that announces the body (Expect: 100-continue) and never uploads it, so a server
      // that asks for the body it refuses shows as a timeout here (the audit's parameter names
      // once did, and the JDK client then uploaded into the server's close: "Broken pipe").
      RawResponse tooLarge = postFormHeadersOnly(300_000);
      assertThat(tooLarge.status()).isEqualTo(413);
      assertOperationOutcome(tooLarge.contentType(), tooLarge.body());
      // Over the key limit: Jetty's form parser refuses it while HAPI reads the parameters.
      HttpResponse<String> tooManyKeys = postForm(manyKeys.toString());
      assertThat(tooManyKeys.statusCode()).isIn(400, 413);
      assertOperationOutcome(tooManyKeys);
      assertThat(logs.lines())
          .noneMatch(
              l ->
                  l.contains(" | ")
                      || l.contains("Internal error")
                      || l.contains("request failed"));
    }
  }

  /** A form POST on a connection of its own: no pooled connection the server closed is reused. */
  private static HttpResponse<String> postForm(String form) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(api.base() + "/fhir/Observation/_search"))
                .header("Authorization", "Bearer " + api.patientToken(A, "patient/*.rs"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  record RawResponse(int status, String contentType, String body) {}

  /**
   * Sends only the headers of a form POST of {@code length} bytes and reads the server's answer.
   */
  private static RawResponse postFormHeadersOnly(int length) throws Exception {
    URI base = URI.create(api.base());
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      String head =
          "POST /fhir/Observation/_search HTTP/1.1\r\n"
              + "Host: "
              + base.getAuthority()
              + "\r\nAuthorization: Bearer "
              + api.patientToken(A, "patient/*.rs")
              + "\r\nContent-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue"
              + "\r\nContent-Length: "
              + length
              + "\r\n\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      String statusLine = readLine(in);
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      String contentType = "";
      int contentLength = -1;
      boolean chunked = false;
      for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
        String name = line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT);
        String value = line.substring(line.indexOf(':') + 1).trim();
        if (name.equals("content-type")) {
          contentType = value;
        } else if (name.equals("content-length")) {
          contentLength = Integer.parseInt(value);
        } else if (name.equals("transfer-encoding")) {
          chunked = value.equalsIgnoreCase("chunked");
        }
      }
      byte[] body =
          chunked
              ? readChunked(in)
              : contentLength >= 0 ? in.readNBytes(contentLength) : in.readAllBytes();
      return new RawResponse(status, contentType, new String(body, StandardCharsets.UTF_8));
    }
  }

  /** The body of a chunked response (RFC 9112 7.1), read up to its last chunk. */
  private static byte[] readChunked(DataInputStream in) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int size = chunkSize(readLine(in)); size > 0; size = chunkSize(readLine(in))) {
      body.write(in.readNBytes(size));
      readLine(in);
    }
    return body.toByteArray();
  }

  private static int chunkSize(String line) {
    int extension = line.indexOf(';');
    return Integer.parseInt((extension < 0 ? line : line.substring(0, extension)).trim(), 16);
  }

  private static String readLine(DataInputStream in) throws Exception {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("connection closed inside the response head");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  @Test
  void errorsJettyAnswersItselfAreOperationOutcomes() throws Exception {
    String token = api.patientToken(A, "patient/*.rs");
    HttpResponse<String> uriTooLong =
        api.get("/fhir/Observation?patient=" + A + "&code=" + "y".repeat(20_000), token);
    assertThat(uriTooLong.statusCode()).isEqualTo(414);
    assertOperationOutcome(uriTooLong);
    HttpResponse<String> headerTooLarge =
        api.get("/fhir/Observation?patient=" + A, token, "X-Big", "z".repeat(20_000));
    assertThat(headerTooLarge.statusCode()).isEqualTo(431);
    assertOperationOutcome(headerTooLarge);
    HttpResponse<String> nothingHere = api.get("/nowhere", token);
    assertThat(nothingHere.statusCode()).isEqualTo(404);
    assertOperationOutcome(nothingHere);
    HttpResponse<String> deleteOfNothing =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(api.base() + "/nowhere")).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(deleteOfNothing.statusCode()).isIn(404, 405);
    assertOperationOutcome(deleteOfNothing);
  }

  private static void assertOperationOutcome(HttpResponse<String> r) {
    assertOperationOutcome(r.headers().firstValue("Content-Type").orElse(""), r.body());
  }

  private static void assertOperationOutcome(String contentType, String body) {
    assertThat(contentType).startsWith("application/fhir+json");
    assertThat(body).startsWith("{\"resourceType\":\"OperationOutcome\"").doesNotContain("<html");
    assertNoLeak(body);
  }

  private static void assertNoLeak(String body) {
    // The self link repeats the client's own query text, so the check is for what only the server
    // could add.
    assertThat(body)
        .doesNotContain("PSQLException")
        .doesNotContain("org.postgresql")
        .doesNotContain("ERROR: ")
        .doesNotContain("syntax error")
        .doesNotContain("\tat ")
        .doesNotContain("at io.fhirflow")
        .doesNotContain("at ca.uhn");
  }
}
