package io.fhirflow.api.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fhirflow.api.ApiConfig;

/**
 * The API's read-only HikariCP pool. Sessions run with {@code plan_cache_mode=force_custom_plan}:
 * pgjdbc switches to server-side prepared statements after a few executions, and PostgreSQL's
 * generic plan for "patient = $1 AND codes @> $2" scans the GIN index for every row with that code
 * in the table (seconds) instead of the patient's own rows (sub-millisecond). Planning each
 * execution with its values costs a fraction of a millisecond and keeps the right plan.
 */
public final class ReadPool {

  private ReadPool() {}

  public static HikariDataSource create(ApiConfig config) {
    return create(
        config.getString(ApiConfig.DB_URL_CONFIG),
        config.getString(ApiConfig.DB_USER_CONFIG),
        config.secret(ApiConfig.DB_PASSWORD_CONFIG),
        config.getInt(ApiConfig.DB_POOL_SIZE_CONFIG),
        config.getInt(ApiConfig.DB_STATEMENT_TIMEOUT_CONFIG));
  }

  public static HikariDataSource create(
      String url, String user, String password, int size, int statementTimeoutMs) {
    HikariConfig h = new HikariConfig();
    h.setPoolName("fhir-api");
    h.setJdbcUrl(url);
    if (!user.isEmpty()) {
      h.setUsername(user);
    }
    if (!password.isEmpty()) {
      h.setPassword(password);
    }
    h.setMaximumPoolSize(size);
    h.setReadOnly(true);
    h.setConnectionTimeout(2_000);
    // The API must start (and report not-ready) while the database is still coming up.
    h.setInitializationFailTimeout(-1);
    h.addDataSourceProperty(
        "options",
        "-c statement_timeout=" + statementTimeoutMs + " -c plan_cache_mode=force_custom_plan");
    return new HikariDataSource(h);
  }
}
