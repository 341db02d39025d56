package io.fhirflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.FhirSearches;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.api.support.SharedValidator;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An Observation deleted on the phone (the sink removed its row and registered its id) is gone from
 * the read API: a read answers 410 Gone, searches, counts and $lastn no longer see it.
 */
class DeletedObservationIT {

  static final Instant T0 = Instant.parse("2026-11-20T08:00:00Z");
  static final String A = Fixtures.id("deleted-patient-a");
  static final String B = Fixtures.id("deleted-patient-b");
  static final String DEVICE = Fixtures.id("deleted-device");
  static final String KEPT = Fixtures.id("deleted-hr-kept");
  static final String NEWEST = Fixtures.id("deleted-hr-newest");
  static final String STEPS = Fixtures.id("deleted-steps");

  @RegisterExtension static final ApiPerClass api = new ApiPerClass();
  static IGenericClient client;

  @BeforeAll
  static void start() throws Exception {
    api.seed(
        List.of(
            Fixtures.patient(A, "user-a"),
            Fixtures.patient(B, "user-b"),
            Fixtures.device(DEVICE, A, "watch"),
            Fixtures.heartRate(KEPT, A, DEVICE, T0, 61, 1),
            Fixtures.heartRate(NEWEST, A, DEVICE, T0.plus(1, ChronoUnit.HOURS), 88, 1),
            Fixtures.steps(STEPS, A, T0, T0.plus(1, ChronoUnit.HOURS), 900)));
    api.sink().deleteObservations(A, NEWEST, STEPS);
    client = api.client(api.patientToken(A, "patient/*.rs"));
  }

  @Test
  void readingADeletedObservationAnswers410GoneWithAnOperationOutcome() throws Exception {
    HttpResponse<String> r =
        api.get("/fhir/Observation/" + NEWEST, api.patientToken(A, "patient/Observation.rs"));

    assertThat(r.statusCode()).isEqualTo(410);
    assertThat(r.body()).contains("\"resourceType\":\"OperationOutcome\"").doesNotContain("88");
    SharedValidator.assertValid(r.body());
  }

  @Test
  void anIdThatNeverExistedOrAnotherPatientsDeletedIdIsStill404() throws Exception {
    assertThat(
            api.get(
                    "/fhir/Observation/" + Fixtures.id("never"),
                    api.patientToken(A, "patient/Observation.rs"))
                .statusCode())
        .isEqualTo(404);
    // Confined to patient B, A's deleted id must not even be confirmed to have existed.
    assertThat(
            api.get("/fhir/Observation/" + NEWEST, api.patientToken(B, "patient/Observation.rs"))
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void aSystemReaderAlsoGets410() throws Exception {
    assertThat(
            api.get("/fhir/Observation/" + STEPS, api.systemToken("system/Observation.rs"))
                .statusCode())
        .isEqualTo(410);
  }

  @Test
  void searchesAndCountsNoLongerSeeIt() {
    Bundle all = FhirSearches.observationsOf(client, A).execute();
    Bundle count = FhirSearches.observationsOf(client, A).summaryMode(SummaryEnum.COUNT).execute();

    assertThat(all.getEntry())
        .extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactly(KEPT);
    SharedValidator.assertValidWithEntries(all);
    assertThat(count.getTotal()).isEqualTo(1);
  }

  @Test
  void lastnGivesTheNewestObservationThatStillExists() {
    Bundle b = FhirSearches.lastnOf(client, A);

    assertThat(b.getEntry())
        .extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactly(KEPT);
    SharedValidator.assertValidWithEntries(b);
  }
}
