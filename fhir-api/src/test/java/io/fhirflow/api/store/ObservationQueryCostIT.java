package io.fhirflow.api.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.api.support.PlanRecorder;
import io.fhirflow.store.StoreTables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every accepted Observation search has a bounded cost on a realistically large table: one patient
 * with 100,000 Observations (years of heart rate, steps, SpO2 and a few rare codes) among 100
 * patients with 1,000 each. The statements the store sends are re-run as EXPLAIN (ANALYZE,
 * BUFFERS); the measure is the buffers PostgreSQL touched, which, unlike time, does not depend on
 * the machine's load. A search that walks all of the patient's rows touches over 100,000; none may
 * touch more than {@link #MAX_BUFFERS}, nor scan the table sequentially.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservationQueryCostIT {

  static final int MAX_BUFFERS = 2_000;
  static final String HEAVY = "heavy-patient";
  static final String LOINC = "http://loinc.org|";
  static final String HR = LOINC + "8867-4";
  static final String STEPS = LOINC + "55423-8";
  static final String SPO2 = LOINC + "2708-6";
  static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category|";
  static final Instant END = Instant.parse("2026-11-26T00:00:00Z");

  private SearchCostSchema schema;
  private PlanRecorder plans;
  private ObservationStore store;

  @BeforeAll
  void loadRows() throws Exception {
    schema =
        SearchCostSchema.load(
            "api_cost",
            HEAVY,
            insert("'" + HEAVY + "'", "generate_series(0, 99999)", "SELECT -1 AS p"),
            insert(
                "'patient-' || p",
                "generate_series(0, 999)",
                "SELECT generate_series(0, 99) AS p"));
    plans = schema.plans();
    store = schema.store();
  }

  /**
   * Rows every 4 minutes back from END: 60 % heart rate, 20 % steps (periods), 18 % SpO2, 2 % one
   * of 20 rare codes.
   */
  static String insert(String patientExpr, String series, String patients) {
    return """
        INSERT INTO %9$s (id, patient_id, code, codes, category, effective_start, effective_end,
          last_updated, version_id, resource)
        SELECT oid, pid, codes[1], codes, ARRAY[%1$s || cat], t, t + span, t + span, 1,
          jsonb_build_object('resourceType', 'Observation', 'id', oid, 'status', 'final',
            'meta', jsonb_build_object('versionId', '1', 'lastUpdated', t + span),
            'category', jsonb_build_array(jsonb_build_object('coding', jsonb_build_array(
              jsonb_build_object('system', 'http://terminology.hl7.org/CodeSystem/observation-category', 'code', cat)))),
            'code', jsonb_build_object('coding', (SELECT jsonb_agg(jsonb_build_object(
              'system', split_part(c, '|', 1), 'code', split_part(c, '|', 2))) FROM unnest(codes) c)),
            'subject', jsonb_build_object('reference', 'Patient/' || pid),
            'effectivePeriod', jsonb_build_object('start', t, 'end', t + span),
            'valueQuantity', jsonb_build_object('value', 60 + i %% 40, 'system', 'http://unitsofmeasure.org', 'code', '/min'))
        FROM (
          SELECT pid, i, md5(pid || '-' || i) AS oid, timestamptz '%2$s' - make_interval(mins => i * 4) AS t,
            CASE WHEN k = 1 THEN interval '3 minutes' ELSE interval '0' END AS span,
            CASE WHEN k = 1 THEN 'activity' ELSE 'vital-signs' END AS cat,
            CASE k WHEN 0 THEN ARRAY['%3$s', 'http://developer.apple.com/documentation/healthkit|HKQuantityTypeIdentifierHeartRate']
                   WHEN 1 THEN ARRAY['%4$s', 'http://developer.apple.com/documentation/healthkit|HKQuantityTypeIdentifierStepCount']
                   WHEN 2 THEN ARRAY['%5$s', 'http://loinc.org|59408-5']
                   ELSE ARRAY['http://loinc.org|rare-' || (i / 100) %% 20] END AS codes
          FROM (SELECT %6$s AS pid, i,
                  CASE WHEN i %% 100 < 60 THEN 0 WHEN i %% 100 < 80 THEN 1 WHEN i %% 100 < 98 THEN 2 ELSE 3 END AS k
                FROM (%7$s) ps, %8$s i) g) r
        """
        .formatted(
            "'" + CATEGORY + "'",
            END,
            HR,
            STEPS,
            SPO2,
            patientExpr,
            patients,
            series,
            StoreTables.OBSERVATION);
  }

  @AfterAll
  void close() {
    schema.close();
  }

  static Stream<Arguments> searches() {
    List<TokenCriterion> fifty = new ArrayList<>();
    for (int i = 0; i < 49; i++) {
      fifty.add(token(LOINC + "never-" + i));
    }
    fifty.add(token(LOINC + "rare-3"));
    Instant day = Instant.parse("2026-06-01T00:00:00Z");
    return Stream.of(
        Arguments.of("patient only", q(List.of(), List.of(), List.of(), true)),
        Arguments.of("frequent code", q(List.of(List.of(token(HR))), List.of(), List.of(), true)),
        Arguments.of(
            "frequent code, oldest first",
            q(List.of(List.of(token(HR))), List.of(), List.of(), false)),
        Arguments.of(
            "rare code", q(List.of(List.of(token(LOINC + "rare-7"))), List.of(), List.of(), true)),
        Arguments.of(
            "code the patient never had",
            q(List.of(List.of(token(LOINC + "never"))), List.of(), List.of(), true)),
        Arguments.of(
            "two codes never together (repeated code)",
            q(List.of(List.of(token(HR)), List.of(token(SPO2))), List.of(), List.of(), true)),
        Arguments.of("OR list of 50 codes", q(List.of(fifty), List.of(), List.of(), true)),
        Arguments.of(
            "OR list of 50 codes, oldest first", q(List.of(fifty), List.of(), List.of(), false)),
        Arguments.of(
            "code and a category it never has",
            q(
                List.of(List.of(token(HR))),
                List.of(List.of(token(CATEGORY + "activity"))),
                List.of(),
                true)),
        Arguments.of(
            "category and one day",
            q(
                List.of(),
                List.of(List.of(token(CATEGORY + "activity"))),
                List.of(
                    List.of(
                        new DateCriterion(
                            DateCriterion.Comparator.EQ, day, day.plusSeconds(86_400)))),
                true)),
        Arguments.of(
            "frequent code before a date",
            q(
                List.of(List.of(token(HR))),
                List.of(),
                List.of(List.of(new DateCriterion(DateCriterion.Comparator.LT, day, day))),
                true)),
        Arguments.of(
            "rare code after a date",
            q(
                List.of(List.of(token(LOINC + "rare-1"))),
                List.of(),
                List.of(List.of(new DateCriterion(DateCriterion.Comparator.GE, day, day))),
                true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("searches")
  void everySearchOfAPatientWithManyRowsTouchesABoundedNumberOfBuffers(
      String name, ObservationQuery query) throws Exception {
    plans.takePlans();
    Page page = store.search(query);
    page.next()
        .ifPresent(
            key ->
                store.search(
                    new ObservationQuery(
                        query.patient(),
                        query.codes(),
                        query.categories(),
                        query.dates(),
                        query.newestFirst(),
                        query.count(),
                        Optional.of(key))));
    List<String> run = plans.takePlans();
    assertThat(run).isNotEmpty();
    for (String plan : run) {
      // The figures behind BENCHMARKS.md "FHIR API: bounded search cost".
      System.out.printf(
          "query-cost %-45s buffers=%d ms=%.2f%n",
          name,
          buffers(plan),
          new ObjectMapper().readTree(plan).get(0).get("Execution Time").asDouble());
      assertThat(plan).as(name).doesNotContain("Seq Scan");
      assertThat(buffers(plan))
          .as(name + ": buffers touched\n" + plan)
          .isLessThanOrEqualTo(MAX_BUFFERS);
    }
  }

  private static long buffers(String planJson) throws Exception {
    JsonNode plan = new ObjectMapper().readTree(planJson).get(0).get("Plan");
    return plan.get("Shared Hit Blocks").asLong() + plan.get("Shared Read Blocks").asLong();
  }

  private static ObservationQuery q(
      List<List<TokenCriterion>> codes,
      List<List<TokenCriterion>> categories,
      List<List<DateCriterion>> dates,
      boolean newestFirst) {
    return new ObservationQuery(
        Optional.of(HEAVY), codes, categories, dates, newestFirst, 100, Optional.empty());
  }

  private static TokenCriterion token(String systemAndCode) {
    int bar = systemAndCode.indexOf('|');
    return new TokenCriterion(systemAndCode.substring(0, bar), systemAndCode.substring(bar + 1));
  }
}
