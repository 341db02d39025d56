package io.fhirflow.api.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.api.ApiConfig;
import io.fhirflow.api.support.ApiHarness;
import io.fhirflow.api.support.AuditEvents;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.api.support.SharedValidator;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.testkit.BrokerPerClass;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lean Observation search answers exactly as HAPI's path does: two APIs over the same schema
 * and token keys, one with the lean path ({@code api.search.lean.path=true}, the default) and one
 * without, get the same requests; status, headers, body and the published AuditEvent must be equal
 * but for what differs between any two answers (request id, the Bundle's id and lastUpdated, the
 * server's own port in the self link, times in the AuditEvent). The requests cover what the lean
 * path serves and what it hands to HAPI (errors above all).
 */
class ObservationSearchFilterIT {

  static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
  static final String A = Fixtures.id("lean-patient-a");
  static final String B = Fixtures.id("lean-patient-b");
  static final String DEVICE = Fixtures.id("lean-device");
  static final String HR = "http%3A%2F%2Floinc.org%7C8867-4";
  static final String PUBLIC_BASE = "https://fhir.example.test/fhir";
  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern TIME =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)");

  @RegisterExtension static final BrokerPerClass kafka = new BrokerPerClass();
  static ApiHarness lean;
  static ApiHarness hapi;
  static AuditEvents leanAudit;
  static AuditEvents hapiAudit;

  @BeforeAll
  static void start() throws Exception {
    lean = ApiHarness.start(kafka.broker(), Map.of(ApiConfig.PUBLIC_BASE_URL_CONFIG, PUBLIC_BASE));
    hapi =
        ApiHarness.beside(
            lean,
            Map.of(
                ApiConfig.PUBLIC_BASE_URL_CONFIG,
                PUBLIC_BASE,
                ApiConfig.LEAN_SEARCH_CONFIG,
                "false"));
    List<String> rows = new ArrayList<>();
    rows.add(Fixtures.patient(A, "user-a"));
    rows.add(Fixtures.patient(B, "user-b"));
    for (int h = 0; h < 30; h++) {
      Instant at = T0.plusSeconds(3600L * h);
      rows.add(Fixtures.heartRate(Fixtures.id("lean-hr-a-" + h), A, DEVICE, at, 60 + h, 1));
      rows.add(Fixtures.heartRate(Fixtures.id("lean-hr-b-" + h), B, DEVICE, at, 90 - h, 1));
      rows.add(Fixtures.oxygenSaturation(Fixtures.id("lean-spo2-a-" + h), A, at, 97));
    }
    lean.sink.write(rows);
    leanAudit = new AuditEvents(kafka.broker(), lean.auditTopic);
    hapiAudit = new AuditEvents(kafka.broker(), hapi.auditTopic);
  }

  @AfterAll
  static void stop() throws Exception {
    leanAudit.close();
    hapiAudit.close();
    try {
      lean.close();
    } finally {
      hapi.close();
    }
  }

  /** One request to both APIs; returns the lean API's answer after checking they are the same. */
  private static HttpResponse<String> same(String pathAndQuery, String token, String... headers)
      throws Exception {
    HttpResponse<String> a = lean.get(pathAndQuery, token, headers);
    HttpResponse<String> b = hapi.get(pathAndQuery, token, headers);
    assertThat(a.statusCode()).as(pathAndQuery).isEqualTo(b.statusCode());
    assertThat(headers(a)).as(pathAndQuery).isEqualTo(headers(b));
    assertThat(normalized(a, lean)).as(pathAndQuery).isEqualTo(normalized(b, hapi));
    String leanEvent = leanAudit.forRequest(requestId(a));
    String hapiEvent = hapiAudit.forRequest(requestId(b));
    assertThat(TIME.matcher(leanEvent.replace(requestId(a), "REQUEST")).replaceAll("TIME"))
        .as("AuditEvent of " + pathAndQuery)
        .isEqualTo(TIME.matcher(hapiEvent.replace(requestId(b), "REQUEST")).replaceAll("TIME"));
    return a;
  }

  private static String requestId(HttpResponse<String> r) {
    return r.headers().firstValue("X-Request-Id").orElseThrow();
  }

  /** Every header but those that differ between any two answers. */
  private static Map<String, List<String>> headers(HttpResponse<String> r) {
    Map<String, List<String>> h = new TreeMap<>(r.headers().map());
    h.remove("date");
    h.remove("x-request-id");
    // The self link holds the server's own port, so the length may differ by a digit; HAPI's own
    // encoder dates its answer to the second. Whether they are sent must still agree.
    h.computeIfPresent("content-length", (k, v) -> List.of("present"));
    h.computeIfPresent("last-modified", (k, v) -> List.of("present"));
    return h;
  }

  private static String normalized(HttpResponse<String> r, ApiHarness api) throws Exception {
    String body = r.body().replace(api.base, "http://SERVER");
    if (!body.startsWith("{\"resourceType\":\"Bundle\"")) {
      return body;
    }
    JsonNode bundle = JSON.readTree(body);
    String id = bundle.get("id").asText();
    String lastUpdated = bundle.get("meta").get("lastUpdated").asText();
    assertThat(lastUpdated).matches(TIME);
    // Same format (HAPI's InstantType), different instant.
    return body.replace("\"id\":\"" + id + "\"", "\"id\":\"BUNDLE\"")
        .replace(lastUpdated, TIME.matcher(lastUpdated).replaceAll(m -> mask(m.group())));
  }

  private static String mask(String time) {
    return time.replaceAll("\\d", "0");
  }

  private static String next(HttpResponse<String> r) throws Exception {
    for (JsonNode link : JSON.readTree(r.body()).path("link")) {
      if (link.get("relation").asText().equals("next")) {
        return link.get("url").asText().replace(PUBLIC_BASE, "/fhir");
      }
    }
    return null;
  }

  private static int entries(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).path("entry").size();
  }

  @Test
  void theBenchmarkSearchAndItsPagesAreTheSame() throws Exception {
    String token = lean.systemToken("system/Observation.rs");
    String page =
        "/fhir/Observation?patient="
            + A
            + "&code="
            + HR
            + "&date=ge2026-11-20T05:00:00Z&_sort=-date&_count=10";
    int pages = 0;
    int seen = 0;
    while (page != null) {
      HttpResponse<String> r = same(page, token);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type"))
          .contains("application/fhir+json;charset=utf-8");
      SharedValidator.assertValid(r.body());
      seen += entries(r);
      page = next(r);
      pages++;
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).isEqualTo(25);
  }

  @Test
  void otherOrdersCountsAndCodesAreTheSame() throws Exception {
    String token = lean.systemToken("system/Observation.rs");
    String p = "/fhir/Observation?patient=" + A;
    assertThat(entries(same(p + "&_sort=date&_count=5", token))).isEqualTo(5);
    assertThat(entries(same(p + "&code=" + HR, token))).isEqualTo(30);
    assertThat(entries(same(p, token))).isEqualTo(60);
    assertThat(entries(same(p + "&code=8867-4&_count=4", token))).isEqualTo(4);
    assertThat(entries(same(p + "&code=http%3A%2F%2Floinc.org%7C&_count=7", token))).isEqualTo(7);
    assertThat(
            entries(same(p + "&date=ge2026-11-20T10:00:00Z&date=lt2026-11-21&_sort=-date", token)))
        .isEqualTo(28);
    assertThat(entries(same(p + "&code=http%3A%2F%2Floinc.org%7C0000-0", token))).isZero();
    assertThat(entries(same("/fhir/Observation?patient=Patient%2F" + B + "&_count=1000", token)))
        .isEqualTo(30);
    assertThat(entries(same(p + "&_count=3", token, "Accept", "application/fhir+json")))
        .isEqualTo(3);
    // The lean path audits the names its own parse found: an escaped name is audited decoded, as
    // the container's parse (HAPI's path) audits it.
    assertThat(entries(same("/fhir/Observation?pati%65nt=" + A + "&_c%6Funt=2", token)))
        .isEqualTo(2);
    // Handed to HAPI by the lean path: the same answer anyway.
    same(p + "&_count=3", token, "Accept", "application/json");
    same("/fhir/Observation?subject=" + A + "&_count=2", token);
    same(p + "&_count=2&_format=json", token);
    same(p + "&_count=2&_summary=count", token);
    same(p + "&code=" + HR + "," + "8867-4&_count=2", token);
  }

  @Test
  void confinementAndTenantsAreTheSame() throws Exception {
    String patientA = lean.patientToken(A, "patient/Observation.rs");
    assertThat(entries(same("/fhir/Observation?patient=" + A + "&_count=5", patientA)))
        .isEqualTo(5);
    assertThat(entries(same("/fhir/Observation?_count=5&code=" + HR, patientA))).isEqualTo(5);
    // Another patient's search with A's token finds nothing.
    assertThat(entries(same("/fhir/Observation?patient=" + B, patientA))).isZero();
    String acme =
        lean.minter.sign(
            lean.claims("system/Observation.rs").claim(Tenants.TOKEN_CLAIM, "acme").build());
    // This API reads as the tables' owner, whom row-level security does not bind (TenantReadIT
    // reads
    // as a role it binds); what is compared here is that both paths read and audit as acme.
    same("/fhir/Observation?patient=" + A, acme);
  }

  @Test
  void errorsAreTheSame() throws Exception {
    String token = lean.systemToken("system/Observation.rs");
    String p = "/fhir/Observation?patient=" + A;
    assertThat(same(p, null).statusCode()).isEqualTo(401);
    assertThat(same(p, "not-a-token").statusCode()).isEqualTo(401);
    assertThat(same(p, lean.systemToken("system/Patient.rs")).statusCode()).isEqualTo(403);
    assertThat(same(p + "&date=yesterday", token).statusCode()).isEqualTo(400);
    assertThat(same(p + "&date=ne2026-11-20", token).statusCode()).isEqualTo(400);
    assertThat(same(p + "&_count=0", token).statusCode()).isEqualTo(400);
    same(p + "&_count=many", token);
    assertThat(same(p + "&_sort=code", token).statusCode()).isEqualTo(400);
    assertThat(same(p + "&colour=red", token).statusCode()).isEqualTo(400);
    same(p + "&code=", token);
    assertThat(same("/fhir/Observation?patient=Device%2Fx", token).statusCode()).isEqualTo(400);
    assertThat(same("/fhir/Observation?code=" + HR, token).statusCode()).isEqualTo(400);
    assertThat(same(p + "&_cursor=AAAA.BBBB", token).statusCode()).isEqualTo(400);
    // A page link under another patient's token is refused the same way.
    HttpResponse<String> first = same(p + "&_count=2", token);
    String link = next(first);
    assertThat(link).isNotNull();
    assertThat(same(link, lean.patientToken(B, "patient/Observation.rs")).statusCode())
        .isEqualTo(400);
    assertThat(same(link.replace("_count=2", "_count=3"), token).statusCode()).isEqualTo(400);
  }
}
