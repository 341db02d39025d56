package io.fhirflow.api.store;

import com.zaxxer.hikari.HikariDataSource;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.api.support.PlanRecorder;
import io.fhirflow.api.support.SinkRows;
import io.fhirflow.store.StoreTables;
import io.fhirflow.testkit.LocalServices;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

/**
 * A fresh schema for the search-cost tests: the sink's migrations, the rows {@code inserts} write,
 * vacuumed and analysed as autovacuum would (which also moves the GIN indexes' pending entries into
 * the index proper), and an {@link ObservationStore} whose statements are recorded as plans.
 */
record SearchCostSchema(
    SinkRows sink, HikariDataSource pool, PlanRecorder plans, ObservationStore store)
    implements AutoCloseable {

  /**
   * @param firstPatient a patient written through the sink, which applies its migrations
   * @param inserts statements run in order (e.g. {@link ObservationQueryCostIT#insert})
   */
  static SearchCostSchema load(String name, String firstPatient, String... inserts)
      throws Exception {
    String url = LocalServices.freshPostgresSchema(name);
    SinkRows sink = new SinkRows(url);
    sink.write(List.of(Fixtures.patient(firstPatient, "user-" + firstPatient)));
    HikariDataSource pool = ReadPool.create(url, "", "", 2, 60_000);
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      c.setReadOnly(false);
      c.setAutoCommit(true);
      for (String insert : inserts) {
        s.execute(insert);
      }
      s.execute("VACUUM ANALYZE " + StoreTables.OBSERVATION);
    }
    PlanRecorder plans = new PlanRecorder(pool);
    return new SearchCostSchema(sink, pool, plans, new ObservationStore(plans.dataSource()));
  }

  @Override
  public void close() {
    sink.close();
    pool.close();
  }
}
