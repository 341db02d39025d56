package io.fhirflow.bench.api;

import io.fhirflow.api.store.DateCriterion;
import io.fhirflow.api.store.ObservationQuery;
import io.fhirflow.api.store.TokenCriterion;
import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.store.StoreMigrations;
import io.fhirflow.store.StoreTables;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Fills schema {@code fhirflow_apibench} (or {@code API_BENCH_SCHEMA}) with the benchmark's data,
 * once: the sink's own Flyway migration files, then 1,000 patients x 1,000 Observations generated
 * inside PostgreSQL (600 heart rates every 4 minutes, 200 step periods, 200 SpO2 per patient, all
 * ending at {@link #END}), shaped like the mapping's output. Generating server-side takes a minute
 * instead of pushing 1 GB through JDBC; the API only reads the table, so who wrote the rows does
 * not change what is measured.
 */
public final class ApiBenchData {

  /** The newest effective time in the data set; the benchmark asks for the 24 h before it. */
  public static final Instant END = Instant.parse("2026-11-26T00:00:00Z");

  /**
   * {@code API_BENCH_SCHEMA} picks another schema, so a run that drops its data leaves others'
   * alone.
   */
  public static final String SCHEMA = schema(System.getenv("API_BENCH_SCHEMA"));

  public static final int PATIENTS = 1_000;
  public static final int PER_PATIENT = 1_000;

  private ApiBenchData() {}

  static String schema(String fromEnv) {
    if (fromEnv == null || fromEnv.isBlank()) {
      return "fhirflow_apibench";
    }
    if (!fromEnv.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("API_BENCH_SCHEMA must be a lower-case SQL identifier");
    }
    return fromEnv;
  }

  public static String url(String baseUrl) {
    return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
  }

  /** The id SQL's {@code md5('bench-patient-' || p)::uuid} gives patient {@code p}. */
  /**
   * The benchmark's search as the store runs it: one patient's heart rate (LOINC 8867-4) for the 24
   * h before {@link #END}, newest first, 100 a page, as the API parses the wrk script's request.
   */
  public static ObservationQuery heartRateLastDay(String patient) {
    Instant from = END.minus(Duration.ofHours(24));
    return new ObservationQuery(
        Optional.of(patient),
        List.of(List.of(new TokenCriterion("http://loinc.org", "8867-4"))),
        List.of(),
        List.of(List.of(new DateCriterion(DateCriterion.Comparator.GE, from, from.plusSeconds(1)))),
        true,
        100,
        Optional.empty());
  }

  public static String patientId(int p) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("MD5")
              .digest(("bench-patient-" + p).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      String h = java.util.HexFormat.of().formatHex(d);
      return h.substring(0, 8)
          + "-"
          + h.substring(8, 12)
          + "-"
          + h.substring(12, 16)
          + "-"
          + h.substring(16, 20)
          + "-"
          + h.substring(20);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void main(String[] args) throws Exception {
    String base = args.length > 0 ? args[0] : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    try (Connection c = DriverManager.getConnection(base);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
    }
    String url = url(base);
    // The store's migrations, applied as the sink applies them.
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(url);
    StoreMigrations.apply(dataSource, null);
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      // Now the sink's migration V2 (kept here for schemas migrated before it, and to drop it for
      // comparison):
      // a patient's rows newest first, whatever their code, so
      // a token search on any coding (codes @> ...) walks the index in order and stops at the page
      // end
      // instead of sorting all of the patient's rows. Without it the same query reads ~1,000 rows.
      if (!"false".equals(System.getenv("API_BENCH_PATIENT_TIME_INDEX"))) {
        s.execute(
            "CREATE INDEX IF NOT EXISTS fhir_observation_patient_time_idx ON "
                + StoreTables.OBSERVATION
                + " (patient_id, effective_start DESC, id DESC)");
      } else {
        s.execute("DROP INDEX IF EXISTS fhir_observation_patient_time_idx");
      }
      long have = count(s);
      if (have == (long) PATIENTS * PER_PATIENT) {
        System.out.println("data present: " + have + " observations");
        return;
      }
      s.execute("TRUNCATE " + StoreTables.OBSERVATION + ", " + StoreTables.PATIENT);
      long t0 = System.nanoTime();
      for (int from = 0; from < PATIENTS; from += 100) {
        s.execute(insertObservations(from, from + 99));
        System.out.printf(
            "patients %d-%d loaded (%.0f s)%n", from, from + 99, (System.nanoTime() - t0) / 1e9);
      }
      s.execute(insertPatients());
      s.execute("ANALYZE " + StoreTables.OBSERVATION);
      s.execute("ANALYZE " + StoreTables.PATIENT);
      System.out.printf(
          "loaded %d observations in %.0f s%n", count(s), (System.nanoTime() - t0) / 1e9);
    }
  }

  private static long count(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + StoreTables.OBSERVATION)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String insertPatients() {
    return "INSERT INTO "
        + StoreTables.PATIENT
        + " (id, identifiers, last_updated, version_id, resource) "
        + "SELECT pid, ARRAY['"
        + FhirSystems.SID_USER
        + "|bench-user-' || p], '2026-11-01T00:00:00Z', 1, "
        + "format('{\"resourceType\":\"Patient\",\"id\":\"%s\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2026-11-01T00:00:00Z\"},"
        + "\"identifier\":[{\"system\":\""
        + FhirSystems.SID_USER
        + "\",\"value\":\"bench-user-%s\"}],\"active\":true}', pid, p)::jsonb "
        + "FROM (SELECT p, "
        + uuid("'bench-patient-' || p")
        + " AS pid FROM generate_series(0, "
        + (PATIENTS - 1)
        + ") p) x";
  }

  /** Observations of patients {@code from..to}: kind by index, time counted back from END. */
  static String insertObservations(int from, int to) {
    String kind = "CASE WHEN i < 600 THEN 'hr' WHEN i < 800 THEN 'steps' ELSE 'spo2' END";
    String start =
        "CASE WHEN i < 600 THEN end_ts - make_interval(mins => i * 4) "
            + "WHEN i < 800 THEN end_ts - make_interval(mins => (i - 600) * 15 + 15) "
            + "ELSE end_ts - make_interval(mins => (i - 800) * 15 + 7) END";
    return "INSERT INTO "
        + StoreTables.OBSERVATION
        + " (id, patient_id, code, codes, category, effective_start, effective_end, last_updated, version_id, resource) "
        + "SELECT oid, pid, primary_code, codes, category, t_start, t_end, t_end, 1, "
        + resourceJson()
        + " FROM ("
        + "SELECT *, CASE kind WHEN 'hr' THEN 'http://loinc.org|8867-4' WHEN 'steps' THEN 'http://loinc.org|55423-8' ELSE 'http://loinc.org|2708-6' END AS primary_code, "
        + "CASE kind WHEN 'hr' THEN ARRAY['http://loinc.org|8867-4','http://developer.apple.com/documentation/healthkit|HKQuantityTypeIdentifierHeartRate'] "
        + "WHEN 'steps' THEN ARRAY['http://loinc.org|55423-8','http://developer.apple.com/documentation/healthkit|HKQuantityTypeIdentifierStepCount'] "
        + "ELSE ARRAY['http://loinc.org|2708-6','http://loinc.org|59408-5'] END AS codes, "
        + "CASE kind WHEN 'steps' THEN ARRAY['http://terminology.hl7.org/CodeSystem/observation-category|activity'] "
        + "ELSE ARRAY['http://terminology.hl7.org/CodeSystem/observation-category|vital-signs'] END AS category, "
        + "CASE kind WHEN 'steps' THEN t_start + interval '15 minutes' ELSE t_start END AS t_end "
        + "FROM (SELECT p, i, "
        + uuid("'bench-patient-' || p")
        + " AS pid, "
        + uuid("'bench-obs-' || p || '-' || i")
        + " AS oid, "
        + kind
        + " AS kind, "
        + start.replace("end_ts", "'" + END + "'::timestamptz")
        + " AS t_start "
        + "FROM generate_series("
        + from
        + ", "
        + to
        + ") p, generate_series(0, "
        + (PER_PATIENT - 1)
        + ") i) a) b";
  }

  private static String resourceJson() {
    String ts = "to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
    String startTs = ts.formatted("t_start");
    String endTs = ts.formatted("t_end");
    return "(CASE kind WHEN 'hr' THEN format('{\"resourceType\":\"Observation\",\"id\":\"%s\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\","
        + "\"source\":\"#com.apple.health\",\"profile\":[\"http://hl7.org/fhir/StructureDefinition/heartrate\"]},\"status\":\"final\","
        + "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"vital-signs\",\"display\":\"Vital Signs\"}]}],"
        + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\",\"display\":\"Heart rate\"},"
        + "{\"system\":\"http://developer.apple.com/documentation/healthkit\",\"code\":\"HKQuantityTypeIdentifierHeartRate\"}]},"
        + "\"subject\":{\"reference\":\"Patient/%s\"},\"effectiveDateTime\":\"%s\","
        + "\"valueQuantity\":{\"value\":%s,\"unit\":\"beats/minute\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"/min\"}}', "
        + "oid, "
        + endTs
        + ", pid, "
        + startTs
        + ", 55 + (i * 7) % 60) "
        + "WHEN 'steps' THEN format('{\"resourceType\":\"Observation\",\"id\":\"%s\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},\"status\":\"final\","
        + "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"activity\",\"display\":\"Activity\"}]}],"
        + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"55423-8\",\"display\":\"Number of steps in unspecified time Pedometer\"},"
        + "{\"system\":\"http://developer.apple.com/documentation/healthkit\",\"code\":\"HKQuantityTypeIdentifierStepCount\"}]},"
        + "\"subject\":{\"reference\":\"Patient/%s\"},\"effectivePeriod\":{\"start\":\"%s\",\"end\":\"%s\"},"
        + "\"valueQuantity\":{\"value\":%s,\"unit\":\"steps\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"{steps}\"}}', "
        + "oid, "
        + endTs
        + ", pid, "
        + startTs
        + ", "
        + endTs
        + ", (i * 13) % 900) "
        + "ELSE format('{\"resourceType\":\"Observation\",\"id\":\"%s\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\","
        + "\"profile\":[\"http://hl7.org/fhir/StructureDefinition/oxygensat\"]},\"status\":\"final\","
        + "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"vital-signs\",\"display\":\"Vital Signs\"}]}],"
        + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"2708-6\",\"display\":\"Oxygen saturation in Arterial blood\"},"
        + "{\"system\":\"http://loinc.org\",\"code\":\"59408-5\",\"display\":\"Oxygen saturation in Arterial blood by Pulse oximetry\"}]},"
        + "\"subject\":{\"reference\":\"Patient/%s\"},\"effectiveDateTime\":\"%s\","
        + "\"valueQuantity\":{\"value\":%s,\"unit\":\"%%\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"%%\"}}', "
        + "oid, "
        + endTs
        + ", pid, "
        + startTs
        + ", 94 + i % 6) END)::jsonb";
  }

  private static String uuid(String seedExpr) {
    // Deterministic ids in UUID form; the API does not care how they were derived.
    return "(md5(" + seedExpr + ")::uuid)::text";
  }
}
