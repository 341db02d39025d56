package io.fhirflow.api.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The migrations' indexes serve the statements {@link ObservationStore} sends (recorded by {@link
 * io.fhirflow.api.support.PlanRecorder} as the store runs them, not copies of its SQL): a patient's
 * pages in time order without a sort, a search by any of several codings through the GIN index on
 * (patient_id, codes, category), and $lastn. None scans the table whole. The table is shaped like
 * the API benchmark's: 200 patients of 1,000 rows whose ids, like real patients' UUIDs, do not
 * follow the order their rows were written in.
 *
 * <p>The walk: with the patient's condition repeated outside the walk, the planner counted it
 * twice, estimated one matching row, and sorted all of the patient's rows found through the GIN
 * index instead of reading the time index in order until the page was full: 8.5 ms against 0.8 a
 * search, the bare-SQL ceiling 110 against 1,094 searches/s (BENCHMARKS.md, "FHIR API",
 * 2026-12-07).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservationIndexPlanIT {

  // 'scattered-' || md5('5'): one of the 200 patients.
  private static final String PATIENT = "scattered-e4da3b7fbbce2345d7772b0674a318d5";
  private static final TokenCriterion HEART_RATE = new TokenCriterion("http://loinc.org", "8867-4");
  private static final TokenCriterion RARE = new TokenCriterion("http://loinc.org", "rare-3");
  private static final TokenCriterion NEVER_SEEN = new TokenCriterion("urn:device-vendor", "never");
  private static final Instant DAY_BEFORE_END = ObservationQueryCostIT.END.minusSeconds(86_400);

  private static final String TIME_INDEX = "\"Index Name\": \"fhir_observation_patient_time_idx\"";
  private static final String TOKEN_INDEX =
      "\"Index Name\": \"fhir_observation_patient_tokens_idx\"";
  private static final String SORT = "\"Node Type\": \"Sort\"";

  private SearchCostSchema schema;

  @BeforeAll
  void loadRows() throws Exception {
    schema =
        SearchCostSchema.load(
            "api_index_plan",
            PATIENT,
            ObservationQueryCostIT.insert(
                "'scattered-' || md5(p::text)",
                "generate_series(0, 999)",
                "SELECT generate_series(0, 199) AS p"));
  }

  @AfterAll
  void close() {
    schema.close();
  }

  @Test
  void aPatientsPagesAreReadInTimeIndexOrderWithoutSorting() {
    List<String> run = plansOf(search(List.of(), List.of()));

    assertThat(run).hasSize(1);
    assertThat(run.get(0)).as(run.get(0)).contains(TIME_INDEX).doesNotContain(SORT);
  }

  @Test
  void aFrequentCodeIsReadInTimeIndexOrderNotSortedFromTheTokenIndex() {
    List<String> run =
        plansOf(search(List.of(List.of(HEART_RATE)), List.of(List.of(onOrAfter(DAY_BEFORE_END)))));

    assertThat(run).as("the walk fills the page: one statement").hasSize(1);
    assertThat(run.get(0)).as(run.get(0)).contains(TIME_INDEX).doesNotContain(SORT);
  }

  @Test
  void rareCodingsOfAPatientAreFoundInOneTokenIndexScan() {
    List<String> run = plansOf(search(List.of(List.of(RARE, NEVER_SEEN)), List.of()));

    assertThat(run).as("the walk does not fill the page: the token index next").hasSize(2);
    assertThat(run.get(1)).as(run.get(1)).contains(TOKEN_INDEX);
  }

  @Test
  void lastNOfACodeReadsThePatientsRowsThroughAnIndex() {
    schema.plans().takePlans();
    schema.store().lastN(PATIENT, List.of(List.of(HEART_RATE)), List.of(), 5, 100);
    List<String> run = schema.plans().takePlans();

    assertThat(run).hasSize(1);
    assertThat(run.get(0)).as(run.get(0)).contains(TOKEN_INDEX).doesNotContain("Seq Scan");
  }

  private ObservationQuery search(
      List<List<TokenCriterion>> codes, List<List<DateCriterion>> dates) {
    return new ObservationQuery(
        Optional.of(PATIENT), codes, List.of(), dates, true, 100, Optional.empty());
  }

  /** {@code ge} + the instant: effective from {@code start} on. */
  private static DateCriterion onOrAfter(Instant start) {
    return new DateCriterion(DateCriterion.Comparator.GE, start, start.plusSeconds(1));
  }

  /** The plans of the statements the store sent for {@code query}; none scans the table whole. */
  private List<String> plansOf(ObservationQuery query) {
    schema.plans().takePlans();
    schema.store().search(query);
    List<String> run = schema.plans().takePlans();
    assertThat(run).allSatisfy(plan -> assertThat(plan).doesNotContain("Seq Scan"));
    return run;
  }
}
