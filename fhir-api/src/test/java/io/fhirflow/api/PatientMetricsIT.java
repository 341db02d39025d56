package io.fhirflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.api.support.ApiHarness;
import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.testkit.LocalServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis view of a patient, in the layout of docs/redis-metrics.md, on the local Redis. */
class PatientMetricsIT {

  static final String A = Fixtures.id("metrics-patient-a");
  static final String PREFIX =
      "fhirflow-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final ApiPerClass api =
      ApiPerClass.with(Map.of(ApiConfig.REDIS_KEY_PREFIX_CONFIG, PREFIX));

  static RedisClient redis;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisClient.create(LocalServices.redisUrl());
    try (StatefulRedisConnection<String, String> c = redis.connect()) {
      RedisKeyLayout keys = new RedisKeyLayout(PREFIX);
      c.sync()
          .hset(
              keys.latest(Tenants.DEFAULT, A),
              Map.of(
                  "heart_rate",
                      "{\"value\":72,\"unit\":\"/min\",\"time\":\"2026-11-20T07:15:00Z\"}",
                  "steps",
                      "{\"value\":120,\"unit\":\"{steps}\",\"time\":\"2026-11-20T07:00:00Z\"}"));
      c.sync()
          .hset(
              keys.day(Tenants.DEFAULT, A, LocalDate.parse("2026-11-20")),
              Map.of(
                  "heart_rate",
                      "{\"kind\":\"RATE\",\"unit\":\"/min\",\"min\":54,\"max\":131,\"avg\":71.5,\"count\":287}",
                  "steps",
                      "{\"kind\":\"CUMULATIVE\",\"unit\":\"{steps}\",\"sum\":8423,\"count\":96}"));
      c.sync()
          .hset(
              keys.day(Tenants.DEFAULT, A, LocalDate.parse("2026-11-18")),
              Map.of(
                  "steps",
                  "{\"kind\":\"CUMULATIVE\",\"unit\":\"{steps}\",\"sum\":5000,\"count\":40}"));
      c.sync()
          .hset(
              keys.day(Tenants.DEFAULT, A, LocalDate.parse("2026-11-01")),
              Map.of(
                  "steps", "{\"kind\":\"CUMULATIVE\",\"unit\":\"{steps}\",\"sum\":1,\"count\":1}"));
      c.sync().expire(keys.latest(Tenants.DEFAULT, A), 600);
      for (String day : new String[] {"2026-11-20", "2026-11-18", "2026-11-01"}) {
        c.sync().expire(keys.day(Tenants.DEFAULT, A, LocalDate.parse(day)), 600);
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    redis.shutdown();
  }

  @Test
  void givesLatestValuesAndDayAggregatesForTheRequestedDays() throws Exception {
    HttpResponse<String> r =
        api.get(
            "/metrics/Patient/" + A + "?from=2026-11-14&to=2026-11-20",
            api.patientToken(A, "patient/Observation.rs"));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("patient").asText()).isEqualTo("Patient/" + A);
    assertThat(body.path("latest").path("heart_rate").path("value").asInt()).isEqualTo(72);
    assertThat(body.path("days").path("2026-11-20").path("heart_rate").path("avg").asDouble())
        .isEqualTo(71.5);
    assertThat(body.path("days").path("2026-11-20").path("steps").path("sum").asInt())
        .isEqualTo(8423);
    assertThat(body.path("days").path("2026-11-18").path("steps").path("sum").asInt())
        .isEqualTo(5000);
    assertThat(body.path("days").has("2026-11-01")).isFalse();
  }

  @Test
  void aPatientWithoutDataIsNotFound() throws Exception {
    // Never seen, erased or another tenant's: the same answer (docs/fhir-api.md "Metrics view").
    String other = Fixtures.id("metrics-nobody");
    HttpResponse<String> r =
        api.get("/metrics/Patient/" + other, api.patientToken(other, "patient/*.rs"));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("OperationOutcome", "not-found");
  }

  @Test
  void aSystemTokenMayReadAnyPatient() throws Exception {
    assertThat(
            api.get(
                    "/metrics/Patient/" + A + "?from=2026-11-20&to=2026-11-20",
                    api.systemToken("system/Observation.rs"))
                .body())
        .contains("8423");
  }

  @Test
  void badRangesAre400() throws Exception {
    String token = api.patientToken(A, "patient/*.rs");
    assertThat(api.get("/metrics/Patient/" + A + "?from=yesterday", token).statusCode())
        .isEqualTo(400);
    assertThat(
            api.get("/metrics/Patient/" + A + "?from=2026-11-20&to=2026-11-01", token).statusCode())
        .isEqualTo(400);
    assertThat(
            api.get("/metrics/Patient/" + A + "?from=2025-01-01&to=2026-11-01", token).statusCode())
        .isEqualTo(400);
    // Dates LocalDate accepts but no view key can name: the range arithmetic on them used to
    // overflow into a 500.
    for (String query :
        new String[] {
          "to=%2B999999999-12-31",
          "to=-999999999-01-02",
          "from=-999999999-01-01&to=-999999999-01-02",
          "from=%2B10000-01-01&to=%2B10000-01-02",
          "to=0000-01-01",
          "from=2026-11-20&to=2026-13-01",
          "to=2026-02-30"
        }) {
      HttpResponse<String> r = api.get("/metrics/Patient/" + A + "?" + query, token);
      assertThat(r.statusCode()).as(query).isEqualTo(400);
      assertThat(r.body()).as(query).contains("OperationOutcome");
    }
  }

  @Test
  void redisOutageIs503ButTheInstanceStaysReady() throws Exception {
    try (ApiHarness noRedis =
        ApiHarness.start(api.broker(), Map.of(ApiConfig.REDIS_URL_CONFIG, "redis://127.0.0.1:1"))) {
      HttpResponse<String> r =
          noRedis.get("/metrics/Patient/" + A, noRedis.patientToken(A, "patient/*.rs"));
      assertThat(r.statusCode()).isEqualTo(503);
      HttpResponse<String> ready = noRedis.get("/health/ready", null);
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("\"redis\":\"DOWN\"");
    }
  }
}
