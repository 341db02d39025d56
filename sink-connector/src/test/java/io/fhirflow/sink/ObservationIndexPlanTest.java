package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.store.StoreTables;
import io.fhirflow.testkit.LocalServices;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The migrations' indexes serve the read side's main query, "a patient's recent values of a code",
 * without a sort, and a search by any coding (for one patient: patient and codes in one GIN index).
 * 40k rows: 200 patients x 4 codes x 50 samples.
 */
class ObservationIndexPlanTest {

  private static String url;
  private static DatabaseSession session;

  @BeforeAll
  static void loadRows() throws Exception {
    url = LocalServices.freshPostgresSchema("sink_plan");
    FhirSinkConnectorConfig config = new FhirSinkConnectorConfig(Map.of("connection.url", url));
    session = new DatabaseSession(config, new PostgresDatabaseDialect(config.tableMapping()));
    session.connection(); // applies the migrations
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(
          """
          INSERT INTO %s (id, patient_id, code, codes, category, effective_start,
            effective_end, last_updated, version_id, resource)
          SELECT 'obs-' || p || '-' || k || '-' || n, 'pat-' || p, 'http://loinc.org|' || code,
            ARRAY['http://loinc.org|' || code, 'urn:platform|type-' || k],
            ARRAY['http://terminology.hl7.org/CodeSystem/observation-category|vital-signs'],
            t, t, t, 1,
            jsonb_build_object('resourceType', 'Observation', 'id', 'obs-' || p || '-' || k || '-' || n)
          FROM generate_series(1, 200) p,
               (VALUES (1, '8867-4'), (2, '55423-8'), (3, '59408-5'), (4, '8310-5')) AS codes(k, code),
               generate_series(1, 50) n,
               LATERAL (SELECT timestamptz '2026-11-01' + (n * interval '7 minutes') + (p * interval '1 second')) AS ts(t)
          """
              .formatted(StoreTables.OBSERVATION));
      s.execute(
          "UPDATE "
              + StoreTables.OBSERVATION
              + " SET codes = array_append(codes, 'urn:device-vendor|ecg-af')"
              + " WHERE id IN ('obs-1-1-1', 'obs-2-1-1', 'obs-3-1-1')");
      // As autovacuum would: also moves the GIN indexes' pending entries into the index proper.
      s.execute("VACUUM ANALYZE " + StoreTables.OBSERVATION);
    }
  }

  @AfterAll
  static void close() {
    session.close();
  }

  @Test
  void readsAPatientsRecentValuesOfACodeFromTheIndexInTimeOrderWithoutSorting() throws Exception {
    assertPlanUses(
            "fhir_observation_patient_code_time_idx",
            "SELECT resource FROM "
                + StoreTables.OBSERVATION
                + " WHERE patient_id = ? AND code = ?"
                + " ORDER BY effective_start DESC LIMIT 10",
            "pat-17",
            "http://loinc.org|8867-4")
        .doesNotContain("\"Sort\"");
  }

  @Test
  void readsAPatientsValuesOfACodeInATimeRangeFromTheIndex() throws Exception {
    assertPlanUses(
        "fhir_observation_patient_code_time_idx",
        "SELECT resource FROM "
            + StoreTables.OBSERVATION
            + " WHERE patient_id = ? AND code = ?"
            + " AND effective_start >= timestamptz '2026-11-01 02:00Z' ORDER BY effective_start DESC",
        "pat-17",
        "http://loinc.org|59408-5");
  }

  @Test
  void findsObservationsByAnyOfTheirCodingsThroughTheGinIndex() throws Exception {
    assertPlanUses(
        "fhir_observation_patient_tokens_idx",
        "SELECT id FROM " + StoreTables.OBSERVATION + " WHERE codes @> ARRAY[?]::text[]",
        "urn:device-vendor|ecg-af");
  }

  @Test
  void findsAPatientsObservationsByAnyOfSeveralCodingsInOneIndexScan() throws Exception {
    assertPlanUses(
        "fhir_observation_patient_tokens_idx",
        "SELECT id FROM "
            + StoreTables.OBSERVATION
            + " WHERE patient_id = ? AND codes && ARRAY[?, ?]::text[]",
        "pat-2",
        "urn:device-vendor|ecg-af",
        "urn:device-vendor|never");
  }

  /** The plan of {@code sql} reads {@code index} and scans no table whole. */
  private static AbstractStringAssert<?> assertPlanUses(String index, String sql, String... params)
      throws Exception {
    return assertThat(explain(sql, params)).contains(index).doesNotContain("Seq Scan");
  }

  private static String explain(String sql, String... params) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps = c.prepareStatement("EXPLAIN (FORMAT JSON) " + sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
