package io.fhirflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.api.support.ApiHarness;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.testkit.ExportedMetrics;
import io.fhirflow.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API's {@code /metrics} after the kinds of request an operator's dashboard and alerts watch
 * (served, refused for want of a token, forbidden by scope) holds every series
 * k8s/monitoring/metrics/fhir-api.txt promises to the dashboards and alert rules.
 */
class ApiMetricsIT {

  @Test
  void aServingApiExportsEverySeriesTheDashboardsUse() throws Exception {
    String patient = Fixtures.id("metrics-patient");
    try (KafkaBroker broker = KafkaBroker.start();
        ApiHarness api = ApiHarness.start(broker)) {
      api.sink.write(
          List.of(
              Fixtures.patient(patient, "metrics-user"),
              Fixtures.heartRate(
                  Fixtures.id("metrics-hr"),
                  patient,
                  Fixtures.id("metrics-dev"),
                  Instant.parse("2026-11-20T00:00:00Z"),
                  70,
                  1)));
      assertThat(
              api.get(
                      "/fhir/Observation?patient=" + patient,
                      api.patientToken(patient, "patient/*.rs"))
                  .statusCode())
          .isEqualTo(200);
      assertThat(api.get("/fhir/Observation?patient=" + patient, null).statusCode()).isEqualTo(401);
      assertThat(
              api.get(
                      "/fhir/Observation?patient=" + patient,
                      api.patientToken(patient, "patient/Patient.rs"))
                  .statusCode())
          .isEqualTo(403);

      String scrape = api.get("/metrics", null).body();
      Files.writeString(Path.of("target/fhir-api-metrics.prom"), scrape);
      ExportedMetrics.assertScrapeHoldsPromised("fhir-api", scrape);
    }
  }
}
