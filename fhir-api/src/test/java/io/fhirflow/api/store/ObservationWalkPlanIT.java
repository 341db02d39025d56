package io.fhirflow.api.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The plan of the API benchmark's search (one patient's heart rate of the last 24 hours, newest
 * first, 100 a page) for a patient with fewer rows than the first step may walk (1,000 against
 * 2,000), on a table shaped like the benchmark's: 200 patients of 1,000 rows whose ids, like real
 * patients' UUIDs, do not follow the order their rows were written in.
 *
 * <p>With the patient's condition repeated outside the walk, the planner counted it twice,
 * estimated one matching row, and sorted all of the patient's rows found through the GIN index
 * instead of reading the time index in order until the page was full: 8.5 ms against 0.8 a search,
 * the bare-SQL ceiling 110 against 1,094 searches/s (BENCHMARKS.md, "FHIR API", 2026-12-07).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservationWalkPlanIT {

  // 'scattered-' || md5('5'): one of the 200 patients.
  private static final String PATIENT = "scattered-e4da3b7fbbce2345d7772b0674a318d5";

  private SearchCostSchema schema;

  @BeforeAll
  void loadRows() throws Exception {
    schema =
        SearchCostSchema.load(
            "api_walk",
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
  void aFrequentCodeIsReadInTimeIndexOrderNotSortedFromTheTokenIndex() {
    schema.plans().takePlans();
    schema
        .store()
        .search(
            new ObservationQuery(
                Optional.of(PATIENT),
                List.of(List.of(new TokenCriterion("http://loinc.org", "8867-4"))),
                List.of(),
                List.of(
                    List.of(
                        new DateCriterion(
                            DateCriterion.Comparator.GE,
                            ObservationQueryCostIT.END.minusSeconds(86_400),
                            ObservationQueryCostIT.END.minusSeconds(86_399)))),
                true,
                100,
                Optional.empty()));
    List<String> run = schema.plans().takePlans();
    assertThat(run).as("the walk fills the page: one statement").hasSize(1);
    assertThat(run.get(0))
        .as(run.get(0))
        .contains("\"Index Name\": \"fhir_observation_patient_time_idx\"")
        .doesNotContain("\"Node Type\": \"Sort\"");
  }
}
