package io.fhirflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.fhirflow.api.devtoken.TokenMinter;
import io.fhirflow.api.support.ApiHarness;
import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.FhirSearches;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.contracts.FhirSystems;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bearer tokens, SMART scopes and patient confinement, on every path a client can take. */
class AccessControlIT {

  static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
  static final String A = Fixtures.id("acl-patient-a");
  static final String B = Fixtures.id("acl-patient-b");
  static final String OBS_A = Fixtures.id("acl-hr-a-0");
  static final String OBS_B = Fixtures.id("acl-hr-b-0");

  @RegisterExtension
  static final ApiPerClass api =
      ApiPerClass.with(
          Map.of(ApiConfig.MAX_COUNT_CONFIG, "20", ApiConfig.DEFAULT_COUNT_CONFIG, "10"));

  @BeforeAll
  static void start() throws Exception {
    List<String> rows =
        new ArrayList<>(
            List.of(
                Fixtures.patient(A, "acl-user-a"),
                Fixtures.patient(B, "acl-user-b"),
                Fixtures.device(Fixtures.id("acl-dev-b"), B, "acl-watch-b")));
    for (int i = 0; i < 30; i++) {
      rows.add(minuteHeartRate("a", A, i, 70));
      rows.add(minuteHeartRate("b", B, i, 80));
    }
    api.seed(rows);
  }

  /**
   * Patient {@code side}'s heart rate of minute {@code i} after T0, from its watch acl-dev-side.
   */
  private static String minuteHeartRate(String side, String patient, int i, int bpm) {
    return Fixtures.heartRate(
        Fixtures.id("acl-hr-" + side + "-" + i),
        patient,
        Fixtures.id("acl-dev-" + side),
        T0.plus(i, ChronoUnit.MINUTES),
        bpm,
        1);
  }

  private static String tokenA() {
    return api.patientToken(A, "patient/*.rs");
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    return api.get(path, token);
  }

  /** Every kind of read of {@code patient}'s data, {@code observation} being one of its own. */
  private static List<String> dataPaths(String patient, String observation) {
    return List.of(
        "/fhir/Observation?patient=" + patient,
        "/fhir/Observation/" + observation,
        "/fhir/Observation/$lastn?patient=" + patient,
        "/fhir/Patient/" + patient,
        "/metrics/Patient/" + patient);
  }

  /** The status of a GET of {@code path} with a token confined to patient A with {@code scope}. */
  private static int statusAsA(String path, String scope) throws Exception {
    return get(path, api.patientToken(A, scope)).statusCode();
  }

  @Test
  void requestWithoutTokenIs401WithOperationOutcomeAndChallenge() throws Exception {
    for (String path : dataPaths(A, OBS_A)) {
      HttpResponse<String> r = get(path, null);
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(r.body()).contains("OperationOutcome");
      assertThat(r.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }
  }

  @Test
  void genericClientWithoutTokenGetsAuthenticationException() {
    assertThatThrownBy(
            () -> api.client(null).read().resource(Observation.class).withId(OBS_A).execute())
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void metadataIsPublic() throws Exception {
    assertThat(get("/fhir/metadata", null).statusCode()).isEqualTo(200);
  }

  @Test
  void expiredTokenIs401() throws Exception {
    String token = api.expiredPatientToken(A);
    assertThat(get("/fhir/Observation?patient=" + A, token).statusCode()).isEqualTo(401);
  }

  @Test
  void tokenNotYetValidIs401() throws Exception {
    String token =
        api.sign(
            api.claims("patient/*.rs")
                .claim("patient", A)
                .notBeforeTime(Date.from(Instant.now().plus(1, ChronoUnit.HOURS)))
                .build());
    assertThat(get("/fhir/Observation?patient=" + A, token).statusCode()).isEqualTo(401);
  }

  @Test
  void tokenSignedByAnotherKeyIs401() throws Exception {
    TokenMinter stranger = TokenMinter.generate();
    String token =
        stranger.sign(
            ApiHarness.patientClaims(
                    stranger, ApiHarness.ISSUER, ApiHarness.AUDIENCE, Instant.now(), A)
                .build());
    assertThat(get("/fhir/Observation?patient=" + A, token).statusCode()).isEqualTo(401);
  }

  @Test
  void tokenWithTamperedPayloadIs401() throws Exception {
    String[] parts = tokenA().split("\\.");
    String forged =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                api.claims("system/*.rs").build().toString().getBytes(StandardCharsets.UTF_8));
    assertThat(
            get("/fhir/Observation?patient=" + B, parts[0] + "." + forged + "." + parts[2])
                .statusCode())
        .isEqualTo(401);
  }

  /**
   * Two requests on one kept-alive connection, the second's token the first's with each letter's
   * case swapped (so its signature cannot verify): it is read as sent and refused. Jetty's header
   * cache, case-insensitive, would have handed it over as the first token.
   */
  @Test
  void aTokenIsReadAsSentOnAKeptAliveConnection() throws Exception {
    String token = tokenA();
    StringBuilder swapped = new StringBuilder();
    for (char c : token.toCharArray()) {
      swapped.append(
          Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
    }
    URI base = URI.create(api.base());
    String path = "/fhir/Observation/" + OBS_A;
    String requests =
        rawGet(path, base, token, "")
            + rawGet(path, base, swapped.toString(), "Connection: close\r\n");
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
      String responses = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(Pattern.compile("HTTP/1\\.1 (\\d{3})").matcher(responses).results())
          .map(m -> m.group(1))
          .containsExactly("200", "401");
    }
  }

  private static String rawGet(String path, URI base, String token, String moreHeaders) {
    return "GET "
        + path
        + " HTTP/1.1\r\nHost: "
        + base.getAuthority()
        + "\r\nAuthorization: Bearer "
        + token
        + "\r\n"
        + moreHeaders
        + "\r\n";
  }

  @Test
  void wrongIssuerOrAudienceIs401() throws Exception {
    String wrongIssuer =
        api.sign(
            ApiHarness.patientClaims(
                    api.minter(), "https://evil.example", ApiHarness.AUDIENCE, Instant.now(), A)
                .build());
    String wrongAudience =
        api.sign(
            ApiHarness.patientClaims(
                    api.minter(), ApiHarness.ISSUER, "another-api", Instant.now(), A)
                .build());
    assertThat(get("/fhir/Observation?patient=" + A, wrongIssuer).statusCode()).isEqualTo(401);
    assertThat(get("/fhir/Observation?patient=" + A, wrongAudience).statusCode()).isEqualTo(401);
  }

  @Test
  void unsignedAlgNoneTokenIs401() throws Exception {
    String none = new PlainJWT(api.claims("system/*.rs").build()).serialize();
    assertThat(get("/fhir/Observation?patient=" + B, none).statusCode()).isEqualTo(401);
  }

  @Test
  void hmacSignedWithThePublicKeyIs401() throws Exception {
    JWTClaimsSet claims = api.claims("system/*.rs").build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256)
                .keyID(api.minter().privateKey().getKeyID())
                .build(),
            claims);
    jwt.sign(new MACSigner(api.minter().publicJwks().toString().getBytes(StandardCharsets.UTF_8)));
    assertThat(get("/fhir/Observation?patient=" + B, jwt.serialize()).statusCode()).isEqualTo(401);
  }

  @Test
  void readOfAnotherPatientsDataIs404LikeAMissingResource() throws Exception {
    var client = api.client(tokenA());
    assertThatThrownBy(() -> client.read().resource(Observation.class).withId(OBS_B).execute())
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(B).execute())
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(get("/fhir/Device/" + Fixtures.id("acl-dev-b"), tokenA()).statusCode())
        .isEqualTo(404);
    assertThat(get("/metrics/Patient/" + B, tokenA()).statusCode()).isEqualTo(404);
    HttpResponse<String> missing =
        get("/fhir/Observation/" + Fixtures.id("does-not-exist"), tokenA());
    HttpResponse<String> foreign = get("/fhir/Observation/" + OBS_B, tokenA());
    assertThat(foreign.statusCode()).isEqualTo(missing.statusCode()).isEqualTo(404);
  }

  @Test
  void searchForAnotherPatientFindsNothing() throws Exception {
    var client = api.client(tokenA());
    Bundle b = FhirSearches.observationsOf(client, B).execute();
    assertThat(b.getEntry()).isEmpty();
    Bundle byIdentifier =
        client
            .search()
            .forResource(Patient.class)
            .where(
                Patient.IDENTIFIER
                    .exactly()
                    .systemAndIdentifier(FhirSystems.SID_USER, "acl-user-b"))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(byIdentifier.getEntry()).isEmpty();
    assertThat(get("/fhir/Observation/$lastn?patient=" + B, tokenA()).body())
        .doesNotContain(OBS_B)
        .doesNotContain("\"entry\"");
  }

  @Test
  void searchWithoutPatientIsConfinedToTheTokensPatient() throws Exception {
    HttpResponse<String> r = get("/fhir/Observation?code=8867-4&_count=20", tokenA());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("Patient/" + A).doesNotContain("Patient/" + B);
  }

  @Test
  void editedPageLinkCannotReachAnotherPatient() throws Exception {
    HttpResponse<String> first = get("/fhir/Observation?patient=" + A + "&_count=5", tokenA());
    String next = nextLink(first.body());
    assertThat(next).contains("_cursor=");
    assertThat(get(next, tokenA()).statusCode()).isEqualTo(200);
    // Same cursor, other patient in the link.
    HttpResponse<String> edited = get(next.replace(A, B), tokenA());
    assertThat(edited.body()).doesNotContain("Patient/" + B);
    assertThat(edited.statusCode()).isEqualTo(400);
    // The patient parameter dropped: the cursor no longer matches the query.
    assertThat(get(next.replace("patient=" + A + "&", ""), tokenA()).statusCode()).isEqualTo(400);
    // A cursor with altered bytes.
    assertThat(
            get(next.replaceAll("_cursor=[A-Za-z0-9_-]{3}", "_cursor=AAA"), tokenA()).statusCode())
        .isEqualTo(400);
  }

  @Test
  void pageLinkOfAnotherTokenIsRefused() throws Exception {
    String system = api.systemToken("system/*.rs");
    String next = nextLink(get("/fhir/Observation?patient=" + B + "&_count=5", system).body());
    assertThat(get(next, system).statusCode()).isEqualTo(200);
    HttpResponse<String> replayed = get(next, tokenA());
    assertThat(replayed.statusCode()).isIn(200, 400);
    assertThat(replayed.body()).doesNotContain("Patient/" + B);
  }

  @Test
  void scopeWithoutObservationSearchIs403() throws Exception {
    String search = "/fhir/Observation?patient=" + A;
    assertThat(statusAsA(search, "patient/Patient.rs")).isEqualTo(403);
    assertThat(statusAsA(search, "patient/Observation.r")).isEqualTo(403);
    assertThat(statusAsA("/fhir/Observation/" + OBS_A, "patient/Observation.r")).isEqualTo(200);
    assertThat(statusAsA(search, "openid launch/patient")).isEqualTo(403);
    assertThat(statusAsA("/metrics/Patient/" + A, "patient/Patient.rs")).isEqualTo(403);
    assertThatThrownBy(
            () ->
                FhirSearches.observationsOf(api.client(api.patientToken(A, "patient/Device.rs")), A)
                    .execute())
        .isInstanceOf(ForbiddenOperationException.class);
  }

  @Test
  void patientScopeWithoutPatientClaimGrantsNothing() throws Exception {
    assertThat(get("/fhir/Observation?patient=" + A, api.systemToken("patient/*.rs")).statusCode())
        .isEqualTo(403);
  }

  @Test
  void userScopeWithoutPatientClaimIsRefusedByDefault() throws Exception {
    String user = api.systemToken("user/*.rs");
    for (String path : dataPaths(B, OBS_B)) {
      HttpResponse<String> r = get(path, user);
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(r.body()).as(path).contains("OperationOutcome").doesNotContain(OBS_B);
    }
    // With a patient claim a user/ scope is confined to that patient, as before.
    String confined = api.patientToken(A, "user/*.rs");
    assertThat(get("/fhir/Observation?patient=" + A, confined).body()).contains("Patient/" + A);
    assertThat(get("/fhir/Observation/" + OBS_B, confined).statusCode()).isEqualTo(404);
  }

  @Test
  void userScopeWithoutPatientClaimReachesEveryPatientWhenConfigured() throws Exception {
    try (ApiHarness trusting =
        ApiHarness.start(
            api.broker(), Map.of(ApiConfig.USER_SCOPES_WITHOUT_PATIENT_CONFIG, "all-patients"))) {
      trusting.sink.write(
          List.of(Fixtures.heartRate(OBS_B, B, Fixtures.id("acl-dev-b"), T0, 80, 1)));
      HttpResponse<String> r =
          trusting.get(
              "/fhir/Observation?patient=" + B, trusting.systemToken("user/Observation.rs"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains(OBS_B);
    }
  }

  @Test
  void systemScopeReadsAnyPatient() throws Exception {
    String system = api.systemToken("system/Observation.rs");
    assertThat(get("/fhir/Observation/" + OBS_B, system).statusCode()).isEqualTo(200);
    assertThat(get("/fhir/Observation?patient=" + B, system).body()).contains("Patient/" + B);
    assertThat(get("/fhir/Patient/" + B, system).statusCode()).isEqualTo(403);
  }

  @Test
  void observationSearchAcrossAllPatientsIsRefused() throws Exception {
    String system = api.systemToken("system/Observation.rs");
    for (String query :
        new String[] {
          "code=" + enc("http://loinc.org|8867-4"), "date=ge2026-01-01", "category=vital-signs"
        }) {
      HttpResponse<String> r = get("/fhir/Observation?" + query, system);
      assertThat(r.statusCode()).as(query).isEqualTo(400);
      assertThat(r.body()).as(query).contains("OperationOutcome").contains("patient");
    }
  }

  @Test
  void hugeCountIsCappedAndPagesOn() throws Exception {
    HttpResponse<String> r = get("/fhir/Observation?patient=" + A + "&_count=1000000", tokenA());
    assertThat(r.statusCode()).isEqualTo(200);
    Bundle b = (Bundle) ApiHarness.FHIR.newJsonParser().parseResource(r.body());
    assertThat(b.getEntry()).hasSize(20);
    assertThat(b.getLink(Bundle.LINK_NEXT)).isNotNull();
  }

  static String nextLink(String bundleJson) {
    Bundle b = (Bundle) ApiHarness.FHIR.newJsonParser().parseResource(bundleJson);
    return b.getLink(Bundle.LINK_NEXT).getUrl();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
