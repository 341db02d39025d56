package io.fhirflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fhirflow.api.support.ApiHarness;
import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.AuditEvents;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.api.support.SharedValidator;
import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.store.StoreTables;
import io.fhirflow.testkit.KafkaBroker;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every request leaves one AuditEvent on a real broker, without health values; losing the broker
 * shows and, fail-closed, stops data.
 */
class AuditIT {

  static final String A = Fixtures.id("audit-patient-a");
  static final String OBS = Fixtures.id("audit-hr-0");

  @RegisterExtension static final ApiPerClass api = new ApiPerClass();
  static AuditEvents events;

  @BeforeAll
  static void start() throws Exception {
    api.seed(List.of(Fixtures.patient(A, "audit-user"), heartRateRow()));
    events = api.auditEvents();
  }

  /** The one Observation every API of this class serves (93.5 bpm, so its leaking is visible). */
  static String heartRateRow() {
    return Fixtures.heartRate(
        OBS, A, Fixtures.id("audit-dev"), Instant.parse("2026-11-20T10:00:00Z"), 93.5, 1);
  }

  /** Reads through {@code local} until its readiness reports the lost audit broker. */
  static void awaitReadinessDown(ApiHarness local, String token) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              local.get("/fhir/Observation/" + OBS, token);
              return local.get("/health/ready", null).statusCode() == 503;
            });
  }

  @AfterAll
  static void stop() throws Exception {
    events.close();
  }

  static String requestId(HttpResponse<String> r) {
    return r.headers().firstValue("X-Request-Id").orElseThrow();
  }

  @Test
  void searchIsAuditedWithWhoWhichPatientAndParameterNamesButNoValues() throws Exception {
    HttpResponse<String> r =
        api.get(
            "/fhir/Observation?patient="
                + A
                + "&code=http://loinc.org%7C8867-4&date=ge2026-11-20&_count=5",
            api.patientToken(A, "patient/*.rs"));
    assertThat(r.statusCode()).isEqualTo(200);
    String json = events.forRequest(requestId(r));
    SharedValidator.assertValid(json);
    AuditEvent e = (AuditEvent) ApiHarness.FHIR.newJsonParser().parseResource(json);
    assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("search-type");
    assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.E);
    assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
    assertThat(e.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("clinician-7");
    assertThat(e.getAgentFirstRep().getWho().getIdentifier().getSystem())
        .isEqualTo(ApiHarness.ISSUER);
    assertThat(e.getEntity())
        .anySatisfy(en -> assertThat(en.getWhat().getReference()).isEqualTo("Patient/" + A));
    assertThat(json).contains("_count,code,date,patient");
    assertThat(json)
        .doesNotContain("8867-4")
        .doesNotContain("2026-11-20")
        .doesNotContain("93.5")
        .doesNotContain("Heart");
  }

  @Test
  void readIsAuditedWithTheResourceItTouched() throws Exception {
    HttpResponse<String> r =
        api.get("/fhir/Observation/" + OBS, api.patientToken(A, "patient/*.rs"));
    AuditEvent e =
        (AuditEvent) ApiHarness.FHIR.newJsonParser().parseResource(events.forRequest(requestId(r)));
    assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("read");
    assertThat(e.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
    assertThat(e.getEntity())
        .anySatisfy(en -> assertThat(en.getWhat().getReference()).isEqualTo("Observation/" + OBS));
    assertThat(e.getEntity())
        .anySatisfy(en -> assertThat(en.getWhat().getReference()).isEqualTo("Patient/" + A));
  }

  @Test
  void refusedRequestsAreAuditedAsFailures() throws Exception {
    HttpResponse<String> anonymous = api.get("/fhir/Observation?patient=" + A, null);
    AuditEvent e =
        (AuditEvent)
            ApiHarness.FHIR.newJsonParser().parseResource(events.forRequest(requestId(anonymous)));
    assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
    assertThat(e.getOutcomeDesc()).isEqualTo("HTTP 401");
    assertThat(e.getAgentFirstRep().getWho().getDisplay()).isEqualTo("anonymous");
    HttpResponse<String> foreign =
        api.get(
            "/fhir/Observation/" + OBS,
            api.patientToken(Fixtures.id("someone-else"), "patient/*.rs"));
    AuditEvent notFound =
        (AuditEvent)
            ApiHarness.FHIR.newJsonParser().parseResource(events.forRequest(requestId(foreign)));
    assertThat(notFound.getOutcomeDesc()).isEqualTo("HTTP 404");
    assertThat(notFound.getEntity())
        .noneSatisfy(en -> assertThat(en.getWhat().getReference()).isEqualTo("Patient/" + A));
  }

  @Test
  void patientMetricsRequestsAreAuditedToo() throws Exception {
    HttpResponse<String> r = api.get("/metrics/Patient/" + A, api.patientToken(A, "patient/*.rs"));
    AuditEvent e =
        (AuditEvent) ApiHarness.FHIR.newJsonParser().parseResource(events.forRequest(requestId(r)));
    assertThat(e.getSubtypeFirstRep().getCode()).isEqualTo("metrics");
    assertThat(e.getEntity())
        .anySatisfy(en -> assertThat(en.getWhat().getReference()).isEqualTo("Patient/" + A));
  }

  @Test
  void aSearchNotConfinedToOnePatientNamesEveryPatientItReturned() throws Exception {
    String p1 = Fixtures.id("audit-multi-1");
    String p2 = Fixtures.id("audit-multi-2");
    api.seed(
        List.of(
            Fixtures.patient(p1, "audit-multi-user-1"),
            Fixtures.patient(p2, "audit-multi-user-2"),
            Fixtures.device(Fixtures.id("audit-multi-dev-1"), p1, "audit-multi-watch"),
            Fixtures.device(Fixtures.id("audit-multi-dev-2"), p2, "audit-multi-watch")));
    String system = api.systemToken("system/*.rs");
    HttpResponse<String> patients =
        api.get(
            "/fhir/Patient?identifier="
                + FhirSystems.SID_USER
                + "%7Caudit-multi-user-1,"
                + FhirSystems.SID_USER
                + "%7Caudit-multi-user-2",
            system);
    assertThat(patients.body()).contains(p1).contains(p2);
    HttpResponse<String> devices =
        api.get(
            "/fhir/Device?identifier=" + FhirSystems.SID_DEVICE_KEY + "%7Caudit-multi-watch",
            system);
    assertThat(devices.body()).contains("Patient/" + p1).contains("Patient/" + p2);
    for (HttpResponse<String> r : List.of(patients, devices)) {
      String json = events.forRequest(requestId(r));
      SharedValidator.assertValid(json);
      AuditEvent e = (AuditEvent) ApiHarness.FHIR.newJsonParser().parseResource(json);
      assertThat(e.getEntity())
          .filteredOn(en -> en.getRole().getCode().equals("1"))
          .extracting(en -> en.getWhat().getReference())
          .containsExactlyInAnyOrder("Patient/" + p1, "Patient/" + p2);
    }
    HttpResponse<String> read = api.get("/fhir/Device/" + Fixtures.id("audit-multi-dev-2"), system);
    AuditEvent e =
        (AuditEvent)
            ApiHarness.FHIR.newJsonParser().parseResource(events.forRequest(requestId(read)));
    assertThat(e.getEntity())
        .anySatisfy(en -> assertThat(en.getWhat().getReference()).isEqualTo("Patient/" + p2));
  }

  @Test
  void aRequestInFlightAtShutdownIsAnsweredAndItsAuditEventDelivered() throws Exception {
    ApiHarness local = ApiHarness.start(api.broker());
    local.sink.write(List.of(heartRateRow()));
    String token = local.patientToken(A, "patient/*.rs");
    assertThat(local.get("/fhir/Observation/" + OBS, token).statusCode()).isEqualTo(200);
    CompletableFuture<HttpResponse<String>> inFlight;
    CompletableFuture<Void> closed;
    try (Connection lock = DriverManager.getConnection(local.jdbcUrl)) {
      // The read waits on this lock, so it is still running when the server is told to stop.
      lock.setAutoCommit(false);
      lock.createStatement()
          .execute("LOCK TABLE " + StoreTables.OBSERVATION + " IN ACCESS EXCLUSIVE MODE");
      inFlight =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return local.get("/fhir/Observation/" + OBS, token);
                } catch (Exception ex) {
                  throw new IllegalStateException(ex);
                }
              });
      await().atMost(Duration.ofSeconds(10)).until(() -> waitingOnLock(lock) > 0);
      closed =
          CompletableFuture.runAsync(
              () -> {
                try {
                  local.close();
                } catch (Exception ex) {
                  throw new IllegalStateException(ex);
                }
              });
      Thread.sleep(500);
      lock.rollback();
    }
    HttpResponse<String> answered = inFlight.get(30, TimeUnit.SECONDS);
    closed.get(30, TimeUnit.SECONDS);
    assertThat(answered.statusCode()).isEqualTo(200);
    try (AuditEvents localEvents = new AuditEvents(api.broker(), local.auditTopic)) {
      assertThat(localEvents.forRequest(requestId(answered)))
          .contains("\"outcomeDesc\":\"HTTP 200\"");
    }
  }

  private static int waitingOnLock(Connection c) throws Exception {
    try (ResultSet rs =
        c.createStatement()
            .executeQuery(
                "SELECT count(*) FROM pg_locks WHERE relation = '"
                    + StoreTables.OBSERVATION
                    + "'::regclass AND NOT granted")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void losingTheBrokerFailsClosedAndShowsInReadinessAndMetrics() throws Exception {
    KafkaBroker doomed = KafkaBroker.start();
    try (ApiHarness local = ApiHarness.start(doomed)) {
      local.sink.write(List.of(heartRateRow()));
      String token = local.patientToken(A, "patient/*.rs");
      assertThat(local.get("/fhir/Observation/" + OBS, token).statusCode()).isEqualTo(200);
      assertThat(local.get("/health/ready", null).statusCode()).isEqualTo(200);
      doomed.close();
      awaitReadinessDown(local, token);
      HttpResponse<String> refused = local.get("/fhir/Observation/" + OBS, token);
      assertThat(refused.statusCode()).isEqualTo(503);
      // Exactly the CapabilityStatement stays available; other paths ending in /metadata are data
      // requests.
      assertThat(local.get("/fhir/metadata", null).statusCode()).isEqualTo(200);
      for (String path :
          List.of(
              "/fhir/Patient/metadata",
              "/fhir/Observation/metadata",
              "/metrics/Patient/metadata")) {
        assertThat(local.get(path, token).statusCode()).as(path).isEqualTo(503);
      }
      assertThat(refused.body()).contains("OperationOutcome").doesNotContain("93.5");
      assertThat(local.get("/health/ready", null).body()).contains("\"audit\":\"DOWN\"");
      assertThat(local.get("/metrics", null).body())
          .contains("fhirflow_api_audit_sink_up 0.0")
          .containsPattern("fhirflow_api_audit_events_total\\{outcome=\"failed\"\\} [1-9]");
      assertThat(local.get("/health/live", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aSinkDownFromItsStartComesBackWithoutAnyRequestOnceItCanWrite() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start()) {
      // The audit topic does not exist yet and auto-creation is off: the start's metadata wait
      // fails and the sink starts down, as it did once under load. A Kubernetes Service then sends
      // the instance no request whose audit event could bring it back.
      String late = KafkaBroker.uniqueTopic("fhir.r4.auditevent-late");
      try (ApiHarness local =
          ApiHarness.start(broker, Map.of(ApiConfig.AUDIT_TOPIC_CONFIG, late))) {
        assertThat(local.get("/health/ready", null).statusCode()).isEqualTo(503);
        broker.createTopics(1, late);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> local.get("/health/ready", null).statusCode() == 200);
        // What brought it back: a check event of the API's own, a valid AuditEvent of no patient.
        try (AuditEvents checks = new AuditEvents(broker, late)) {
          String check = checks.first();
          SharedValidator.assertValid(check);
          assertThat(check).contains("\"110100\"").doesNotContain("Patient/");
        }
      }
    }
  }

  @Test
  void failOpenKeepsServingButStillReportsTheLoss() throws Exception {
    KafkaBroker doomed = KafkaBroker.start();
    try (ApiHarness local =
        ApiHarness.start(doomed, Map.of(ApiConfig.AUDIT_FAILURE_MODE_CONFIG, "open"))) {
      local.sink.write(List.of(heartRateRow()));
      String token = local.patientToken(A, "patient/*.rs");
      doomed.close();
      awaitReadinessDown(local, token);
      assertThat(local.get("/fhir/Observation/" + OBS, token).statusCode()).isEqualTo(200);
    }
  }
}
