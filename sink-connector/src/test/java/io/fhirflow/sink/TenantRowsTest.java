package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.Tenants;
import io.fhirflow.store.StoreTables;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tenants in the store (migration V6, docs/tenants.md) against the real PostgreSQL: rows carry the
 * tenant the sink was given, a record never takes over another tenant's row, and row-level security
 * confines a reader role (neither owner nor superuser, as the read API must be) to the tenant its
 * transaction set; without the setting it sees nothing.
 */
class TenantRowsTest {

  private static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");
  private static final Instant AT = Instant.parse("2026-11-26T07:00:00Z");
  private static final String ACME = "acme";

  private FreshWriter store;
  private RecordWriter writer;
  private String url;
  private final String reader = "fhirflow_reader_" + UUID.randomUUID().toString().substring(0, 8);

  /** Opens the store and writes obs-1 (default tenant, pat-1) and obs-2 (acme, pat-2). */
  private void openWithTwoTenants(WriteMethod method) throws SQLException {
    store = FreshWriter.open("sink_tenants", method);
    writer = store.writer();
    url = store.url();
    writer.write(
        List.of(hr(Tenants.DEFAULT, "obs-1", "pat-1", 1, 72), hr(ACME, "obs-2", "pat-2", 1, 60)));
  }

  @AfterEach
  void close() throws SQLException {
    store.close();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("DROP OWNED BY " + reader);
      s.execute("DROP ROLE IF EXISTS " + reader);
    } catch (SQLException e) {
      // The role was never created (the test failed before): nothing to drop.
    }
  }

  private ResourceRow hr(String tenant, String id, String patient, long version, double bpm) {
    return store
        .extractor()
        .extract(FhirFixtures.heartRate(id, patient, version, T0, bpm, AT))
        .withTenant(tenant);
  }

  @ParameterizedTest
  @EnumSource(WriteMethod.class)
  void rowsCarryTheirTenantAndARecordNeverTakesOverAnotherTenantsRow(WriteMethod method)
      throws Exception {
    openWithTwoTenants(method);
    writer.write(
        List.of(
            store
                .extractor()
                .extract(FhirFixtures.patient("pat-2", "user-42", 1, T0))
                .withTenant(ACME)));
    assertThat(query("SELECT id || ':' || tenant FROM " + StoreTables.OBSERVATION + " ORDER BY id"))
        .containsExactly("obs-1:default", "obs-2:acme");
    assertThat(query("SELECT tenant FROM " + StoreTables.PATIENT)).containsExactly(ACME);

    // A newer version of obs-1 from another tenant (same patient id): held back and reported, the
    // row stays the default tenant's.
    RecordWriter.WriteResult result = writer.write(List.of(hr(ACME, "obs-1", "pat-1", 2, 99)));
    assertThat(result.patientMismatches()).containsExactly("obs-1");
    assertThat(
            query(
                "SELECT tenant || ':' || version_id FROM "
                    + StoreTables.OBSERVATION
                    + " WHERE id = 'obs-1'"))
        .containsExactly("default:1");
  }

  @ParameterizedTest
  @EnumSource(WriteMethod.class)
  void rowLevelSecurityShowsAReaderOnlyItsTenantsRowsAndNothingWithoutTheSetting(WriteMethod method)
      throws Exception {
    openWithTwoTenants(method);
    writer.write(List.of(hr(ACME, "obs-3", "pat-2", 1, 61)));
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + reader + " NOLOGIN");
      s.execute("GRANT USAGE ON SCHEMA " + store.schema() + " TO " + reader);
      s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + store.schema() + " TO " + reader);
    }
    // As the owner (a superuser here), RLS does not apply: all three.
    assertThat(asReader(null, false)).containsExactly("3");
    // As the reader: nothing without the setting, only the tenant's rows with it.
    assertThat(asReader(null, true)).containsExactly("0");
    assertThat(asReader(ACME, true)).containsExactly("2");
    assertThat(asReader(Tenants.DEFAULT, true)).containsExactly("1");
    assertThat(asReader("globex", true)).containsExactly("0");
  }

  /** count(*) of fhir_observation in one transaction, with the tenant set for it (or not). */
  private List<String> asReader(String tenant, boolean setRole) throws SQLException {
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        if (setRole) {
          s.execute("SET LOCAL ROLE " + reader);
        }
        if (tenant != null) {
          try (PreparedStatement set = c.prepareStatement("SELECT set_config(?, ?, true)")) {
            set.setString(1, Tenants.SQL_SETTING);
            set.setString(2, tenant);
            set.execute();
          }
        }
        List<String> out;
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + StoreTables.OBSERVATION)) {
          out = ResultText.of(rs);
        }
        c.rollback();
        return out;
      }
    }
  }

  private List<String> query(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery(sql)) {
        return ResultText.of(rs);
      }
    }
  }
}
