package io.fhirflow.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.api.support.SinkRows;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.store.StoreTables;
import io.fhirflow.testkit.LocalServices;
import io.fhirflow.testkit.PostgresRole;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A pooled connection never lends its tenant to the next borrower. One connection in the pool, so
 * every borrower gets the same PostgreSQL session; the API's role is neither the tables' owner nor
 * a superuser, so row-level security (sink migration V6) binds it as in a deployment.
 */
class TenantConnectionReuseIT {

  static final String ACME = "acme";
  static final String PATIENT_DEFAULT = Fixtures.id("reuse-patient-default");
  static final String PATIENT_ACME = Fixtures.id("reuse-patient-acme");
  static final String OBS_DEFAULT = Fixtures.id("reuse-hr-default");
  static final String OBS_ACME = Fixtures.id("reuse-hr-acme");
  static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");

  static SinkRows sink;
  static HikariDataSource pool;
  static PostgresRole role;

  @BeforeAll
  static void start() throws Exception {
    String url = LocalServices.freshPostgresSchema("api_reuse");
    String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
    sink = new SinkRows(url);
    sink.write(
        List.of(
            Fixtures.patient(PATIENT_DEFAULT, "user-1"),
            Fixtures.heartRate(OBS_DEFAULT, PATIENT_DEFAULT, Fixtures.id("dev"), T0, 70, 1)));
    sink.writeAs(
        ACME,
        List.of(
            Fixtures.patient(PATIENT_ACME, "user-1"),
            Fixtures.heartRate(OBS_ACME, PATIENT_ACME, Fixtures.id("dev"), T0, 80, 1)));
    role = PostgresRole.create("fhirflow_reuse_it");
    role.grantRead(schema);
    pool = ReadPool.create(role.url(url), "", "", 1, 5_000);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      pool.close();
      sink.close();
    } finally {
      role.close();
    }
  }

  @AfterEach
  void noTenant() {
    RequestTenant.clear();
  }

  /** The tenant setting the pool's (only) session has, and the Observations it sees unset. */
  private static String sessionTenant() throws Exception {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT coalesce(current_setting('"
                    + Tenants.SQL_SETTING
                    + "', true), '') || '/' || (SELECT count(*) FROM "
                    + StoreTables.OBSERVATION
                    + ")")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static Optional<String> read(ObservationStore store, String id) {
    return store.read(id, Optional.empty()).map(StoredResource::id);
  }

  @Test
  void theStoresLeaveNoTenantOnTheConnectionTheyReturn() throws Exception {
    ObservationStore store = new ObservationStore(pool);

    RequestTenant.set(ACME);
    assertThat(read(store, OBS_ACME)).contains(OBS_ACME);
    assertThat(read(store, OBS_DEFAULT)).isEmpty();
    // The same session, borrowed without the stores: no tenant, so row-level security shows
    // nothing.
    assertThat(sessionTenant()).isEqualTo("/0");

    RequestTenant.set(Tenants.DEFAULT);
    assertThat(read(store, OBS_DEFAULT)).contains(OBS_DEFAULT);
    assertThat(read(store, OBS_ACME)).isEmpty();

    RequestTenant.clear();
    assertThat(read(store, OBS_DEFAULT)).isEmpty();
    assertThat(read(store, OBS_ACME)).isEmpty();
    assertThat(sessionTenant()).isEqualTo("/0");
  }

  @Test
  void aFailedQueryLeavesNoTenantEither() throws Exception {
    ObservationStore store = new ObservationStore(pool);
    RequestTenant.set(ACME);
    // A page position beyond what timestamptz holds: PostgreSQL refuses the query after the
    // tenant was set in the same transaction.
    ObservationQuery beyond =
        new ObservationQuery(
            Optional.of(PATIENT_ACME),
            List.of(),
            List.of(),
            List.of(),
            true,
            10,
            Optional.of(new PageKey(OffsetDateTime.parse("+999999-01-01T00:00:00Z"), "x")));
    assertThatThrownBy(() -> store.search(beyond)).isInstanceOf(StoreUnavailableException.class);
    RequestTenant.clear();
    assertThat(sessionTenant()).isEqualTo("/0");
  }

  @Test
  void aScopedConnectionIsSetAgainForEachBorrower() throws Exception {
    DataSource scoped = new TenantScopedDataSource(pool);
    RequestTenant.set(ACME);
    assertThat(countVia(scoped)).isEqualTo(1);
    assertThat(idsVia(scoped)).containsExactly(OBS_ACME);

    // The next borrower has no tenant: the session set for acme must not serve it.
    RequestTenant.clear();
    assertThat(countVia(scoped)).isZero();
    // Nor may the stores on that session read as acme.
    assertThat(read(new ObservationStore(pool), OBS_ACME)).isEmpty();

    RequestTenant.set(Tenants.DEFAULT);
    assertThat(idsVia(scoped)).containsExactly(OBS_DEFAULT);
  }

  private static long countVia(DataSource ds) throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + StoreTables.OBSERVATION)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> idsVia(DataSource ds) throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT id FROM " + StoreTables.OBSERVATION + " ORDER BY id")) {
      List<String> ids = new java.util.ArrayList<>();
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
      return ids;
    }
  }
}
