package io.fhirflow.api;

import static io.fhirflow.contracts.FhirSystems.SUMMARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fhirflow.api.support.ApiHarness;
import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.CliSamples;
import io.fhirflow.api.support.SharedValidator;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.sink.standalone.StandaloneSink;
import io.fhirflow.store.StoreTables;
import io.fhirflow.testkit.ConnectWorkers;
import io.fhirflow.testkit.WearableSamples;
import io.fhirflow.topology.FhirFlowApplication;
import io.fhirflow.topology.TopologyConfig;
import io.fhirflow.topology.testing.TopologyWorld;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.utils.internals.Exit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Summary Observations end to end, every part real: samples on the raw topic, the topology with
 * summaries on (Kafka Streams on the in-JVM KRaft broker), Kafka Connect's standalone worker
 * running the sink into a fresh PostgreSQL schema, and the FHIR API reading that schema. A day's
 * summaries are found by code, date and category like raw Observations; a deletion on the phone
 * makes the summary {@code amended} with a new version, which the sink's newer-version rule stores
 * in place of the first. Every summary the API returns goes through HAPI's validator.
 */
class SummariesEndToEndIT {

  private static final String PARIS = "Europe/Paris";
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  /** Two local days ago: closed and past the grace, well inside the correction horizon. */
  private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(2);

  @RegisterExtension static final ApiPerClass api = new ApiPerClass();
  private static StandaloneSink sink;
  private static FhirFlowApplication topology;
  private static Path offsets;
  private static TopologyWorld world;
  private static String patient;

  @BeforeAll
  static void start() throws Exception {
    // Connect calls Exit.exit on start-up failures; fail the test instead of killing the JVM.
    Exit.setExitProcedure(
        (status, message) -> {
          throw new IllegalStateException("Connect wanted to exit " + status + ": " + message);
        });
    String id = UUID.randomUUID().toString().substring(0, 8);
    world =
        new TopologyWorld(api.broker(), "summaries-e2e", id, "fhirflow:summaries-e2e-" + id + ":");
    world.createTopics(2);
    api.broker().createTopics(1, "sink-dlq-" + id);

    offsets = Files.createTempFile("summaries-e2e", ".offsets");
    sink =
        StandaloneSink.start(ConnectWorkers.standalone(api.broker().bootstrapServers(), offsets));
    Map<String, String> connector =
        ConnectWorkers.sinkConnector(
            "summaries-e2e-" + id,
            world.topics.observation() + "," + world.topics.patient() + "," + world.topics.device(),
            api.jdbcUrl(),
            "sink-dlq-" + id);
    sink.putConnector(connector);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> sink.taskStates(connector.get("name")).equals(List.of("RUNNING")));

    Map<String, Object> config = world.config();
    config.put(TopologyConfig.SUMMARIES_ENABLED_CONFIG, "true");
    config.put(TopologyConfig.SUMMARIES_EMIT_INTERVAL_MS_CONFIG, "1000");
    config.put("kafka.consumer.session.timeout.ms", "10000");
    topology = world.start(config);

    produce(
        List.of(
            hk("HKQuantityTypeIdentifierStepCount", "e2e-steps-1", 1342, "count", "08:00"),
            hk("HKQuantityTypeIdentifierStepCount", "e2e-steps-2", 658, "count", "11:00"),
            hk("HKQuantityTypeIdentifierHeartRate", "e2e-hr-1", 68, "count/min", "08:10"),
            hk("HKQuantityTypeIdentifierHeartRate", "e2e-hr-2", 75, "count/min", "08:20"),
            hk("HKQuantityTypeIdentifierHeartRate", "e2e-hr-3", 90, "count/min", "11:30")));
    patient = awaitPatientWithRows();
  }

  @AfterAll
  static void stop() throws Exception {
    if (topology != null) {
      topology.close();
    }
    if (sink != null) {
      sink.close();
    }
    Files.deleteIfExists(offsets);
    Exit.resetExitProcedure();
  }

  @Test
  void aDaysSummariesAreSearchableByCodeDateAndCategoryAndAmendedByADeletion() throws Exception {
    // Steps per day: LOINC 41950-7 (the Physical Activity IG's code), only summaries carry it.
    Observation steps = awaitOne("http://loinc.org|41950-7", null, o -> value(o).equals("2000"));
    // The day is past its grace, so it is written at the first emit tick after a sample of it: when
    // the two buckets fall into different ticks (a loaded machine), 1342 goes out first as version
    // 1
    // and 2000 as its amendment. Either way a later version is amended, and only version 1 is
    // final.
    int version = Integer.parseInt(steps.getMeta().getVersionId());
    assertThat(steps.getStatus())
        .isEqualTo(
            version == 1
                ? Observation.ObservationStatus.FINAL
                : Observation.ObservationStatus.AMENDED);
    assertThat(steps.getValueQuantity().getCode()).isEqualTo("/d");
    assertThat(steps.getIdentifierFirstRep().getValue()).isEqualTo("steps-day/" + DAY);

    // Heart rate: the same code as the raw Observations; the summary category tells them apart.
    Observation day =
        awaitOne(
            "http://loinc.org|8867-4", SUMMARY + "|daily", o -> "3".equals(component(o, "count")));
    assertThat(component(day, "minimum")).isEqualTo("68");
    assertThat(component(day, "maximum")).isEqualTo("90");
    assertThat(component(day, "count")).isEqualTo("3");
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(search("http://loinc.org|8867-4", SUMMARY + "|hourly"))
                    .as("08:00 and 11:00")
                    .hasSize(2));
    assertThat(search("http://loinc.org|8867-4", null))
        .as("3 raw heart rates, 2 hourly summaries, 1 daily: one search, like raw Observations")
        .hasSize(6);

    // The phone deletes the 658-step bucket: the summary is re-emitted as the next version,
    // amended.
    produce(
        List.of(
            WearableSamples.deletionOf(
                hk("HKQuantityTypeIdentifierStepCount", "e2e-steps-2", 658, "count", "11:00"))));
    Observation amended = awaitOne("http://loinc.org|41950-7", null, o -> value(o).equals("1342"));
    assertThat(amended.getIdElement().getIdPart()).isEqualTo(steps.getIdElement().getIdPart());
    assertThat(amended.getStatus()).isEqualTo(Observation.ObservationStatus.AMENDED);
    assertThat(amended.getMeta().getVersionId()).isEqualTo(Integer.toString(version + 1));
  }

  /**
   * The patient's Observations of {@code code} in local day {@link #DAY}, through the API. A day
   * summary's period ends at the next midnight, which FHIR counts as inside it: {@code gt} the
   * day's first instant and {@code lt} the next day's select that one day (a plain {@code date=DAY}
   * asks for periods inside the day and so finds hours, not the day).
   */
  private static List<Observation> search(String code, String category) throws Exception {
    ZoneId zone = ZoneId.of(PARIS);
    String from = ISO.format(DAY.atStartOfDay(zone));
    String to = ISO.format(DAY.plusDays(1).atStartOfDay(zone));
    String query =
        "/fhir/Observation?patient="
            + patient
            + "&code="
            + enc(code)
            + "&date=gt"
            + enc(from)
            + "&date=lt"
            + enc(to)
            + (category == null ? "" : "&category=" + enc(category))
            + "&_count=100";
    HttpResponse<String> r = api.get(query, api.patientToken(patient, "patient/Observation.rs"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Bundle bundle = ApiHarness.FHIR.newJsonParser().parseResource(Bundle.class, r.body());
    return bundle.getEntry().stream()
        .map(e -> (Observation) e.getResource())
        .peek(
            o -> {
              if (o.getMeta().getTag(SUMMARY, "summary") != null) {
                SharedValidator.assertValid(o);
              }
            })
        .toList();
  }

  private static Observation awaitOne(
      String code, String category, java.util.function.Predicate<Observation> done) {
    Observation[] found = new Observation[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              List<Observation> all =
                  search(code, category).stream()
                      .filter(o -> o.getMeta().getTag(SUMMARY, "summary") != null)
                      .toList();
              found[0] = all.size() == 1 ? all.get(0) : null;
              return found[0] != null && done.test(found[0]);
            });
    return found[0];
  }

  private static String value(Observation o) {
    return o.getValueQuantity().getValue().toPlainString();
  }

  private static String component(Observation o, String statistic) {
    return o.getComponent().stream()
        .filter(c -> c.getCode().getCodingFirstRep().getCode().equals(statistic))
        .map(
            c ->
                c.hasValueQuantity()
                    ? c.getValueQuantity().getValue().toPlainString()
                    : c.getValueIntegerType().getValueAsString())
        .findFirst()
        .orElseThrow();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The one patient's id, once the sink has stored their first Observations. */
  private static String awaitPatientWithRows() {
    String[] id = new String[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        // The sink creates its tables when its first batch arrives.
        .ignoreExceptions()
        .until(
            () -> {
              try (Connection c = DriverManager.getConnection(api.jdbcUrl());
                  Statement st = c.createStatement();
                  ResultSet rs =
                      st.executeQuery(
                          "SELECT DISTINCT patient_id FROM "
                              + api.schema()
                              + "."
                              + StoreTables.OBSERVATION)) {
                id[0] = rs.next() ? rs.getString(1) : null;
              }
              return id[0] != null;
            });
    return id[0];
  }

  /** A HealthKit quantity sample at local {@code time} of {@link #DAY} in Paris. */
  private static WearableSample hk(String type, String id, double value, String unit, String time) {
    Instant at = DAY.atTime(LocalTime.parse(time)).atZone(ZoneId.of(PARIS)).toInstant();
    return WearableSamples.healthKitQuantity(type, id, value, unit, at, PARIS);
  }

  /** Sends samples to the raw topic as the command line's importer and simulator do. */
  private static void produce(List<WearableSample> samples) {
    CliSamples.send(api.broker(), world.registryUrl(), world.topics.raw(), samples);
  }
}
