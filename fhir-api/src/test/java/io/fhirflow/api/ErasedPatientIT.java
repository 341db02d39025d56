package io.fhirflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.FhirSearches;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.api.support.SharedValidator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * After a person's erasure (the sink applied the topology's erasure marker and tombstones) the read
 * API knows nothing of them: 404 for their Patient, Device and every Observation, including one
 * that was deleted before (410 before the erasure: the register forgets them too), and empty
 * searches. Another person is untouched.
 */
class ErasedPatientIT {

  static final Instant T0 = Instant.parse("2026-11-20T08:00:00Z");
  static final String A = Fixtures.id("erased-patient-a");
  static final String B = Fixtures.id("erased-patient-b");
  static final String DEVICE_A = Fixtures.id("erased-device-a");
  static final String HR_A = Fixtures.id("erased-hr-a");
  static final String DELETED_A = Fixtures.id("erased-deleted-a");
  static final String HR_B = Fixtures.id("erased-hr-b");
  static final String DEVICE_B = Fixtures.id("erased-device-b");

  @RegisterExtension static final ApiPerClass api = new ApiPerClass();

  @BeforeAll
  static void start() throws Exception {
    api.seed(
        List.of(
            Fixtures.patient(A, "user-a"),
            Fixtures.patient(B, "user-b"),
            Fixtures.device(DEVICE_A, A, "watch"),
            Fixtures.heartRate(HR_A, A, DEVICE_A, T0, 61, 1),
            Fixtures.heartRate(DELETED_A, A, DEVICE_A, T0.plus(1, ChronoUnit.HOURS), 88, 1),
            Fixtures.device(DEVICE_B, B, "ring"),
            Fixtures.heartRate(HR_B, B, DEVICE_B, T0, 70, 1)));
    api.sink().deleteObservations(A, DELETED_A);
  }

  @Test
  void theApiAnswers404ForEverythingOfTheErasedPersonAndStillServesTheOther() throws Exception {
    String system = api.systemToken("system/*.rs");
    // Fail-closed auditing answers 503 until the audit topic took a first event (slow on a loaded
    // machine).
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> api.get("/fhir/Observation/" + DELETED_A, system).statusCode() != 503);
    assertThat(api.get("/fhir/Observation/" + DELETED_A, system).statusCode())
        .as("deleted before the erasure")
        .isEqualTo(410);

    api.sink().erase(A, DEVICE_A);

    for (String path :
        List.of(
            "/fhir/Patient/" + A,
            "/fhir/Device/" + DEVICE_A,
            "/fhir/Observation/" + HR_A,
            "/fhir/Observation/" + DELETED_A)) {
      assertThat(api.get(path, system).statusCode()).as(path).isEqualTo(404);
      assertThat(api.get(path, api.patientToken(A, "patient/*.rs")).statusCode())
          .as(path)
          .isEqualTo(404);
    }
    IGenericClient client = api.client(system);
    Bundle search = FhirSearches.observationsOf(client, A).execute();
    assertThat(search.getEntry()).isEmpty();
    SharedValidator.assertValid(search);
    assertThat(api.get("/fhir/Patient/" + B, system).statusCode()).isEqualTo(200);
    assertThat(api.get("/fhir/Observation/" + HR_B, system).statusCode()).isEqualTo(200);
    assertThat(api.get("/fhir/Device/" + DEVICE_B, system).statusCode()).isEqualTo(200);
  }
}
