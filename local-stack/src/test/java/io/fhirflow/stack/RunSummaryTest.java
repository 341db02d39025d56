package io.fhirflow.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bin/run-local's counts table: this run's counters, in total and per tenant. */
class RunSummaryTest {

  /** The shape of fhirflow simulate --summary-json (SimulationSummary.toJson) with two tenants. */
  private static final String SIMULATOR =
      "{\"total\":30,\"new\":20,\"late\":2,\"duplicates\":3,\"updates\":2,\"deletions\":1,\"bad\":2,"
          + "\"failedSends\":0,\"seconds\":1.0,\"byKind\":{},\"byTenant\":{"
          + "\"acme\":{\"total\":12,\"output\":9,\"duplicates\":1,\"updates\":1,\"deletions\":0,\"bad\":1},"
          + "\"default\":{\"total\":18,\"output\":13,\"duplicates\":2,\"updates\":1,\"deletions\":1,\"bad\":1}}}";

  /** Before the run: the stack check's one sample of the default tenant. */
  private static final List<String> BEFORE =
      List.of(
          "# HELP fhirflow_samples_in_total Raw records consumed",
          "# TYPE fhirflow_samples_in_total counter",
          "fhirflow_samples_in_total{tenant=\"default\"} 1.0",
          "fhirflow_samples_out_total{tenant=\"default\"} 1.0");

  private static final List<String> AFTER =
      List.of(
          "fhirflow_samples_in_total{tenant=\"acme\"} 12.0",
          "fhirflow_samples_in_total{tenant=\"default\"} 19.0",
          "fhirflow_samples_out_total{tenant=\"acme\"} 9.0",
          "fhirflow_samples_out_total{tenant=\"default\"} 14.0",
          "fhirflow_samples_duplicates_total{tenant=\"acme\"} 1.0",
          "fhirflow_samples_duplicates_total{tenant=\"default\"} 2.0",
          "fhirflow_samples_updates_total{tenant=\"acme\"} 1.0",
          "fhirflow_samples_updates_total{tenant=\"default\"} 1.0",
          "fhirflow_samples_deleted_total{outcome=\"removed\",tenant=\"default\"} 1.0",
          "fhirflow_samples_deleted_total{outcome=\"unknown\",tenant=\"acme\"} 0.0",
          "fhirflow_samples_dead_lettered_total{reason=\"CORRUPT_BODY\",stage=\"deserialize\",tenant=\"acme\"} 1.0",
          "fhirflow_samples_dead_lettered_total{reason=\"OUT_OF_RANGE\",stage=\"validate\",tenant=\"default\"} 1.0",
          "fhirflow_resources_emitted_total{type=\"Observation\"} 40.0");

  @Test
  void showsThisRunsCountsInTotalAndPerTenantEachBalancing() throws Exception {
    String printed = print(AFTER);

    assertThat(printed)
        .contains("in                       30         30")
        .contains("output                   22         22")
        .contains("dead-lettered             2          2")
        .contains(
            "conservation: in = output + duplicates + updates + deleted + dead-lettered holds (30)")
        .containsPattern("acme +12 \\| +12 +9 +1 +1 +0 +1 \\| holds")
        .containsPattern("default +18 \\| +18 +13 +2 +1 +1 +1 \\| holds");
  }

  @Test
  void saysWhichTenantDoesNotBalanceWhileTheTopologyIsStillDraining() throws Exception {
    List<String> draining =
        AFTER.stream()
            .map(
                l ->
                    l.startsWith("fhirflow_samples_in_total{tenant=\"acme\"}")
                        ? "fhirflow_samples_in_total{tenant=\"acme\"} 13.0"
                        : l)
            .toList();

    String printed = print(draining);

    assertThat(printed)
        .contains("conservation: in 31 does not balance yet")
        .containsPattern("acme +12 \\| +13 .*\\| open")
        .containsPattern("default .*\\| holds");
  }

  private static String print(List<String> after) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new RunSummary(
            new ObjectMapper().readTree(SIMULATOR),
            RunSummary.Counts.parse(BEFORE),
            RunSummary.Counts.parse(after))
        .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
