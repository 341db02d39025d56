package io.fhirflow.api.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.fhirflow.api.security.AccessToken;
import io.fhirflow.api.security.SmartScopes;
import io.fhirflow.api.support.SharedValidator;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditEventFactoryTest {

  private final AuditEventFactory factory = new AuditEventFactory(FhirContext.forR4Cached());

  private static AccessToken token() {
    return new AccessToken(
        "https://issuer",
        "user-1",
        "app-1",
        Optional.of("p1"),
        SmartScopes.parse("patient/*.rs"),
        Instant.now(),
        io.fhirflow.contracts.Tenants.DEFAULT);
  }

  /** A request's record at the tests' fixed time, from localhost. */
  private static AuditRecord record(String requestId) {
    return new AuditRecord(requestId, Instant.parse("2026-11-20T10:00:00Z"), "127.0.0.1");
  }

  /** An Observation search's record ({@link #record}). */
  private static AuditRecord observationSearch(String requestId) {
    AuditRecord r = record(requestId);
    r.interaction("search-type", "Observation", null);
    return r;
  }

  /** The record's AuditEvent JSON, checked valid FHIR. */
  private String validJson(AuditRecord r) {
    String json = factory.toJson(r);
    SharedValidator.assertValid(json);
    return json;
  }

  @Test
  void aReadBecomesAValidAuditEventNamingTheResourceAndPatient() {
    AuditRecord r = record("req-1");
    r.interaction("read", "Observation", "obs-1");
    r.token(token());
    r.status(200);
    String json = validJson(r);
    assertThat(json)
        .contains("Observation/obs-1")
        .contains("Patient/p1")
        .contains("\"action\":\"R\"");
  }

  @Test
  void theAuditTrailCheckIsAValidApplicationActivityOfNoPatient() {
    String json = factory.auditTrailCheck("check-1", Instant.parse("2026-11-20T10:00:00Z"));
    SharedValidator.assertValid(json);
    assertThat(json)
        .contains("\"id\":\"check-1\"")
        .contains("\"code\":\"110100\"")
        .contains("fhirflow-fhir-api")
        .doesNotContain("Patient/")
        .doesNotContain("entity");
  }

  @Test
  void anAnonymousRefusalIsAValidFailureEvent() {
    AuditRecord r = observationSearch("req-2");
    r.parameterNames().add("patient");
    r.status(401);
    String json = validJson(r);
    assertThat(json)
        .contains("anonymous")
        .contains("\"outcome\":\"4\"")
        .contains("query-parameter-names");
  }

  @Test
  void aSearchNamesItsParametersButCarriesNoValues() {
    AuditRecord r = observationSearch("req-3");
    r.token(token());
    r.parameterNames().addAll(java.util.List.of("code", "date", "patient"));
    r.status(200);
    String json = validJson(r);
    assertThat(json).contains("code,date,patient");
  }

  @Test
  void theStreamingWriterWritesExactlyWhatHapiWritesForEveryKindOfRequest() {
    AccessToken system =
        new AccessToken(
            "https://issuer",
            "svc",
            "",
            Optional.empty(),
            SmartScopes.parse("system/*.rs"),
            Instant.now(),
            io.fhirflow.contracts.Tenants.DEFAULT);
    java.util.List<AuditRecord> records = new java.util.ArrayList<>();
    for (String interaction :
        java.util.List.of(
            "read", "search-type", "operation", "capabilities", "metrics", "unknown")) {
      for (int variant = 0; variant < 4; variant++) {
        AuditRecord r =
            new AuditRecord(
                "req-" + interaction + variant,
                Instant.parse("2026-11-20T10:00:00.123Z"),
                variant == 3 ? "" : "10.0.0." + variant);
        if (variant == 0) {
          r.token(token());
        } else if (variant == 1) {
          r.token(system);
          r.patient("p-\u00e9\"9");
        }
        if (!interaction.equals("unknown") && !interaction.equals("capabilities")) {
          r.interaction(
              interaction, "Observation", interaction.equals("read") ? "obs-" + variant : null);
        } else if (interaction.equals("capabilities")) {
          r.interaction(interaction, null, null);
        }
        if (variant != 2) {
          r.parameterNames().addAll(java.util.List.of("code", "date"));
        }
        r.status(new int[] {200, 401, 404, 503}[variant]);
        records.add(r);
      }
    }
    for (AuditRecord r : records) {
      String json = factory.toJson(r);
      assertThat(json).isEqualTo(factory.toJsonWithHapi(r));
      SharedValidator.assertValid(json);
    }
  }
}
