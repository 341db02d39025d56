package io.fhirflow.api.store;

import io.fhirflow.contracts.Tenants;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The API's connections, each set to the {@link RequestTenant} as it is handed out: {@code
 * set_config('fhirflow.tenant', tenant, false)}, which row-level security (migration V6) compares
 * with every row's tenant. Session-wide because the stores read in autocommit; every checkout
 * overwrites it, so a pooled connection never reads as the previous request's tenant. This binds
 * only when the API connects as a role that is not the tables' owner nor a superuser
 * (docs/tenants.md).
 */
public final class TenantScopedDataSource implements DataSource {

  private static final String SET_TENANT = "SELECT set_config(?, ?, false)";

  private final DataSource pool;

  public TenantScopedDataSource(DataSource pool) {
    this.pool = pool;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return scoped(pool.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return scoped(pool.getConnection(username, password));
  }

  private static Connection scoped(Connection c) throws SQLException {
    try (PreparedStatement set = c.prepareStatement(SET_TENANT)) {
      set.setString(1, Tenants.SQL_SETTING);
      set.setString(2, RequestTenant.current());
      set.execute();
      return c;
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : pool.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || pool.isWrapperFor(iface);
  }
}
