package io.fhirflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.contracts.Tenants;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The read side of tenancy (docs/tenants.md) with the API reading as a role of its own, as in a
 * deployment: the token's tenant claim names the only tenant it reads; another tenant's id is a
 * 404, whatever the scopes; a token without the claim reads the default tenant.
 */
class TenantReadIT {

  static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
  static final String ACME = "acme";
  static final String PATIENT_DEFAULT = Fixtures.id("tenant-patient-default");
  static final String PATIENT_ACME = Fixtures.id("tenant-patient-acme");
  static final String OBS_DEFAULT = Fixtures.id("tenant-hr-default");
  static final String OBS_ACME = Fixtures.id("tenant-hr-acme");

  @RegisterExtension static final ApiPerClass api = ApiPerClass.readingAs("fhirflow_api_it");

  @BeforeAll
  static void start() throws Exception {
    api.seed(
        Fixtures.patientWithHeartRate(
            PATIENT_DEFAULT, "user-1", OBS_DEFAULT, Fixtures.id("dev"), T0, 70));
    // The same user id in acme: another patient.
    api.sink()
        .writeAs(
            ACME,
            Fixtures.patientWithHeartRate(
                PATIENT_ACME, "user-1", OBS_ACME, Fixtures.id("dev"), T0, 80));
    // Once the sink's migrations made the tables, as an operator grants after migrating.
    api.role().grantRead(api.schema());
  }

  private static String tokenOf(String tenant) {
    return api.sign(api.claims("system/*.rs").claim(Tenants.TOKEN_CLAIM, tenant).build());
  }

  private static int status(String path, String token) throws Exception {
    return api.get(path, token).statusCode();
  }

  @Test
  void aTokenReadsItsTenantAndGets404ForAnotherTenantsIds() throws Exception {
    String acme = tokenOf(ACME);
    String untagged = api.systemToken("system/*.rs");

    assertThat(status("/fhir/Observation/" + OBS_ACME, acme)).isEqualTo(200);
    assertThat(status("/fhir/Patient/" + PATIENT_ACME, acme)).isEqualTo(200);
    assertThat(status("/fhir/Observation/" + OBS_DEFAULT, acme)).isEqualTo(404);
    assertThat(status("/fhir/Patient/" + PATIENT_DEFAULT, acme)).isEqualTo(404);

    // Without the claim: the default tenant.
    assertThat(status("/fhir/Observation/" + OBS_DEFAULT, untagged)).isEqualTo(200);
    assertThat(status("/fhir/Observation/" + OBS_ACME, untagged)).isEqualTo(404);
    assertThat(status("/fhir/Observation/" + OBS_ACME, tokenOf(Tenants.DEFAULT))).isEqualTo(404);
  }

  @Test
  void aSearchSeesOnlyTheTokensTenant() throws Exception {
    String body = api.get("/fhir/Observation?patient=" + PATIENT_DEFAULT, tokenOf(ACME)).body();
    assertThat(body).doesNotContain(OBS_DEFAULT);
    // Both patients have the user id user-1: each tenant finds its own.
    String identifier = "/fhir/Patient?identifier=" + FhirSystems.SID_USER + "%7Cuser-1";
    assertThat(api.get(identifier, tokenOf(ACME)).body())
        .contains(PATIENT_ACME)
        .doesNotContain(PATIENT_DEFAULT);
    assertThat(api.get(identifier, api.systemToken("system/*.rs")).body())
        .contains(PATIENT_DEFAULT)
        .doesNotContain(PATIENT_ACME);
  }

  @Test
  void aTokenWhoseTenantIsNotATenantNameIsRefused() throws Exception {
    assertThat(status("/fhir/Observation/" + OBS_ACME, tokenOf("Acme.Corp"))).isEqualTo(401);
  }
}
