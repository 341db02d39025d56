package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.store.StoreTables;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The writer's SQL against the real PostgreSQL, in a fresh schema per test. */
class RecordWriterTest {

  private static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");
  private static final Instant AT = Instant.parse("2026-11-26T07:00:00Z");

  private DatabaseSession session;
  private RecordWriter writer;
  private ResourceExtractor extractor;
  private String url;

  private void open(WriteMethod method) {
    FreshWriter fresh = FreshWriter.open("sink_writer", method);
    url = fresh.url();
    session = fresh.session();
    writer = fresh.writer();
    extractor = fresh.extractor();
  }

  @AfterEach
  void close() {
    session.close();
  }

  private ResourceRow hr(String id, long version, Instant updated, double bpm) {
    return extractor.extract(FhirFixtures.heartRate(id, "pat-1", version, updated, bpm, AT));
  }

  @ParameterizedTest
  @EnumSource(WriteMethod.class)
  void insertsEveryResourceTypeWithItsSearchColumns(WriteMethod method) throws Exception {
    open(method);
    RecordWriter.WriteResult result =
        writer.write(
            List.of(
                hr("obs-1", 1, T0, 72),
                extractor.extract(
                    FhirFixtures.steps("obs-2", "pat-1", 1, T0, 812, AT, AT.plusSeconds(900))),
                extractor.extract(FhirFixtures.patient("pat-1", "user-42", 1, T0)),
                extractor.extract(FhirFixtures.device("dev-1", 1, T0))));

    assertThat(result.rows()).isEqualTo(4);
    assertThat(
            query(
                "SELECT patient_id, code, codes[2], category[1], effective_start, effective_end,"
                    + " version_id, resource->'valueQuantity'->>'value' FROM "
                    + StoreTables.OBSERVATION
                    + " WHERE id = 'obs-2'"))
        .containsExactly(
            "pat-1",
            "http://loinc.org|55423-8",
            FhirSystems.HEALTH_CONNECT + "|StepsRecord.count",
            "http://terminology.hl7.org/CodeSystem/observation-category|activity",
            "2026-11-26 07:00:00+00",
            "2026-11-26 07:15:00+00",
            "1",
            "812");
    assertThat(
            query(
                "SELECT identifiers[1], last_updated FROM "
                    + StoreTables.PATIENT
                    + " WHERE id = 'pat-1'"))
        .containsExactly(FhirSystems.SID_USER + "|user-42", "2026-11-26 08:00:00+00");
    assertThat(query("SELECT count(*) FROM " + StoreTables.DEVICE)).containsExactly("1");
  }

  @ParameterizedTest
  @EnumSource(WriteMethod.class)
  void replacesARowOnlyWithANewerVersion(WriteMethod method) throws Exception {
    open(method);
    writer.write(List.of(hr("obs-1", 2, T0, 72)));

    writer.write(List.of(hr("obs-1", 1, T0.plusSeconds(3600), 50)));
    assertThat(bpm("obs-1")).isEqualTo("72");

    writer.write(List.of(hr("obs-1", 2, T0.plusSeconds(1), 74)));
    assertThat(bpm("obs-1")).isEqualTo("74");

    writer.write(List.of(hr("obs-1", 3, T0, 80)));
    assertThat(bpm("obs-1")).isEqualTo("80");
  }

  @ParameterizedTest
  @EnumSource(WriteMethod.class)
  void rewritesNothingWhenTheSameBatchIsWrittenAgain(WriteMethod method) throws Exception {
    open(method);
    List<ResourceRow> batch = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      batch.add(hr("obs-" + i, 1, T0, 60 + i % 40));
    }
    writer.write(batch);
    List<String> before =
        query(
            "SELECT string_agg(id || ':' || xmin || ':' || written_at, ',' ORDER BY id) FROM "
                + StoreTables.OBSERVATION);

    RecordWriter.WriteResult replay = writer.write(batch);

    assertThat(replay.changed()).isZero();
    assertThat(
            query(
                "SELECT string_agg(id || ':' || xmin || ':' || written_at, ',' ORDER BY id) FROM "
                    + StoreTables.OBSERVATION))
        .isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(WriteMethod.class)
  void storesJsonWithTabsBackslashesQuotesAndUnicodeIntact(WriteMethod method) throws Exception {
    open(method);
    String json =
        FhirFixtures.heartRate("obs-x", "pat-1", 1, T0, 72, AT)
            .replace(
                "\"text\":\"Heart rate\"",
                "\"text\":\"Herz\\tfrequenz \\\\ \\\"Puls\\\" \\n ❤ Zürich\"");
    writer.write(List.of(extractor.extract(json)));
    assertThat(query("SELECT resource->'code'->>'text' FROM " + StoreTables.OBSERVATION))
        .containsExactly("Herz\tfrequenz \\ \"Puls\" \n ❤ Zürich");
  }

  @ParameterizedTest
  @EnumSource(WriteMethod.class)
  void rollsBackTheWholeBatchWhenTheDatabaseRefusesARow(WriteMethod method) throws Exception {
    open(method);
    // a lastUpdated PostgreSQL cannot represent (year 300000) is a data error (22008) for the batch
    ResourceRow bad =
        ResourceRow.identified(
            ResourceType.PATIENT,
            "pat-bad",
            Instant.parse("+300000-01-01T00:00:00Z"),
            1,
            null,
            "{\"resourceType\":\"Patient\"}");
    assertThatThrownBy(() -> writer.write(List.of(hr("obs-1", 1, T0, 72), bad)))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(SqlFailure.classify(e)).isEqualTo(SqlFailure.DATA));
    // The server's message quotes the value even with logServerErrorDetail=false: the task logs
    // only the SQLSTATE of such exceptions, never their message.
    assertThat(query("SELECT count(*) FROM " + StoreTables.OBSERVATION)).containsExactly("0");
    writer.write(List.of(hr("obs-1", 1, T0, 72)));
    assertThat(query("SELECT count(*) FROM " + StoreTables.OBSERVATION)).containsExactly("1");
  }

  @ParameterizedTest
  @EnumSource(WriteMethod.class)
  void neverMovesAStoredObservationToAnotherPatientAndNamesTheRowItHeldBack(WriteMethod method)
      throws Exception {
    open(method);
    writer.write(List.of(hr("obs-1", 1, T0, 72)));

    RecordWriter.WriteResult takeover =
        writer.write(
            List.of(
                extractor.extract(
                    FhirFixtures.heartRate("obs-1", "pat-2", 9, T0.plusSeconds(60), 150, AT)),
                hr("obs-2", 1, T0, 60)));

    assertThat(takeover.patientMismatches()).containsExactly("obs-1");
    assertThat(
            query(
                "SELECT patient_id, version_id FROM "
                    + StoreTables.OBSERVATION
                    + " WHERE id = 'obs-1'"))
        .containsExactly("pat-1", "1");
    assertThat(bpm("obs-1")).isEqualTo("72");
    assertThat(bpm("obs-2")).isEqualTo("60");
    RecordWriter.WriteResult ownUpdate = writer.write(List.of(hr("obs-1", 2, T0, 74)));
    assertThat(ownUpdate.patientMismatches()).isEmpty();
    assertThat(bpm("obs-1")).isEqualTo("74");
  }

  @ParameterizedTest
  @EnumSource(WriteMethod.class)
  void aDeletionRemovesTheRowRegistersTheIdAndIsIdempotent(WriteMethod method) throws Exception {
    open(method);
    writer.write(List.of(hr("obs-1", 1, T0, 72), hr("obs-2", 1, T0, 60)));

    RecordWriter.WriteResult deleted =
        writer.write(List.of(ResourceRow.deletion(ResourceType.OBSERVATION, "obs-1", "pat-1")));
    RecordWriter.WriteResult again =
        writer.write(List.of(ResourceRow.deletion(ResourceType.OBSERVATION, "obs-1", "pat-1")));

    assertThat(deleted.changed()).isEqualTo(1);
    assertThat(again.changed()).isZero();
    assertThat(query("SELECT string_agg(id, ',') FROM " + StoreTables.OBSERVATION))
        .containsExactly("obs-2");
    assertThat(query("SELECT id, patient_id FROM " + StoreTables.OBSERVATION_DELETED))
        .containsExactly("obs-1", "pat-1");
  }

  @ParameterizedTest
  @EnumSource(WriteMethod.class)
  void noVersionBringsADeletedObservationBackNorOneDeletedBeforeItArrived(WriteMethod method)
      throws Exception {
    open(method);
    writer.write(List.of(hr("obs-1", 1, T0, 72)));
    writer.write(
        List.of(
            ResourceRow.deletion(ResourceType.OBSERVATION, "obs-1", "pat-1"),
            ResourceRow.deletion(ResourceType.OBSERVATION, "obs-early", "pat-1")));

    writer.write(
        List.of(
            hr("obs-1", 9, T0.plusSeconds(3600), 80),
            hr("obs-early", 1, T0, 50),
            hr("obs-3", 1, T0, 61)));

    assertThat(query("SELECT string_agg(id, ',') FROM " + StoreTables.OBSERVATION))
        .containsExactly("obs-3");
  }

  @ParameterizedTest
  @EnumSource(WriteMethod.class)
  void aDeletionNeverRemovesAnotherPatientsObservationAndNamesIt(WriteMethod method)
      throws Exception {
    open(method);
    writer.write(List.of(hr("obs-1", 1, T0, 72)));

    RecordWriter.WriteResult result =
        writer.write(List.of(ResourceRow.deletion(ResourceType.OBSERVATION, "obs-1", "pat-2")));

    assertThat(result.patientMismatches()).containsExactly("obs-1");
    assertThat(bpm("obs-1")).isEqualTo("72");
    assertThat(query("SELECT count(*) FROM " + StoreTables.OBSERVATION_DELETED))
        .containsExactly("0");
  }

  private String bpm(String id) throws SQLException {
    return query(
            "SELECT resource->'valueQuantity'->>'value' FROM "
                + StoreTables.OBSERVATION
                + " WHERE id = '"
                + id
                + "'")
        .get(0);
  }

  private List<String> query(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("SET TIME ZONE 'UTC'");
      try (ResultSet rs = s.executeQuery(sql)) {
        return ResultText.of(rs);
      }
    }
  }
}
