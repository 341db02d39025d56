package io.fhirflow.api.store;

import io.fhirflow.contracts.Tenants;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections for bulk exports and view runs (one long read per job), each set to the {@link
 * RequestTenant} as it is handed out: {@code set_config('fhirflow.tenant', tenant, false)}, which
 * row-level security (migration V6) compares with every row's tenant; session-wide (the exports
 * read in their own transactions), and unset again when the connection is closed, so the pool holds
 * no session with a tenant on it. This binds only when the API connects as a role that is not the
 * tables' owner nor a superuser (docs/tenants.md). The stores' short queries set the tenant in the
 * query's own round trip instead ({@link TenantQuery}).
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
    try {
      setTenant(c, RequestTenant.current());
      return unsetOnClose(c);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  private static void setTenant(Connection c, String tenant) throws SQLException {
    try (PreparedStatement set = c.prepareStatement(SET_TENANT)) {
      set.setString(1, Tenants.SQL_SETTING);
      set.setString(2, tenant);
      set.execute();
    }
  }

  /**
   * The connection, whose close first takes its tenant back, so the session goes back to the pool
   * as no tenant's: whoever borrows it next without setting one sees no row. The borrower's open
   * transaction is rolled back first (closing would roll it back anyway), else the rollback would
   * undo the unset. A session that cannot be unset is closed for good rather than pooled.
   */
  private static Connection unsetOnClose(Connection c) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getName().equals("close") && method.getParameterCount() == 0) {
            closeUnset(c);
            return null;
          }
          try {
            return method.invoke(c, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return (Connection)
        Proxy.newProxyInstance(
            TenantScopedDataSource.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            handler);
  }

  private static void closeUnset(Connection c) throws SQLException {
    if (c.isClosed()) {
      return;
    }
    try {
      if (!c.getAutoCommit()) {
        c.rollback();
        c.setAutoCommit(true);
      }
      setTenant(c, "");
    } catch (SQLException e) {
      // Not returned to the pool with a tenant on it: aborted connections are evicted.
      c.abort(Runnable::run);
    } finally {
      c.close();
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
