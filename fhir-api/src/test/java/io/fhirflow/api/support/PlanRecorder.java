package io.fhirflow.api.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * A DataSource that runs every query the code under test prepares twice: once as {@code EXPLAIN
 * (ANALYZE, BUFFERS, FORMAT JSON)} with the same bind values, whose plan it keeps, then for real.
 * So a test sees what PostgreSQL did for the exact statements production code sends, without the
 * code knowing it is observed.
 */
public final class PlanRecorder {

  private final DataSource target;
  private final List<String> plans = new ArrayList<>();

  public PlanRecorder(DataSource target) {
    this.target = target;
  }

  /** The plans (JSON) of the statements run since the last call, then forgets them. */
  public synchronized List<String> takePlans() {
    List<String> out = List.copyOf(plans);
    plans.clear();
    return out;
  }

  public DataSource dataSource() {
    return proxy(
        DataSource.class,
        (p, m, args) -> {
          Object r = invoke(target, m, args);
          return r instanceof Connection c ? connection(c) : r;
        });
  }

  private Connection connection(Connection c) {
    return proxy(
        Connection.class,
        (p, m, args) -> {
          Object r = invoke(c, m, args);
          if (r instanceof PreparedStatement ps && m.getName().equals("prepareStatement")) {
            return statement(c, ps, (String) args[0]);
          }
          return r;
        });
  }

  private PreparedStatement statement(Connection c, PreparedStatement ps, String sql) {
    Map<Integer, Object> binds = new TreeMap<>();
    return proxy(
        PreparedStatement.class,
        (p, m, args) -> {
          if (m.getName().startsWith("set")
              && args != null
              && args.length == 2
              && args[0] instanceof Integer i) {
            binds.put(i, args[1]);
          } else if (m.getName().equals("executeQuery") && (args == null || args.length == 0)) {
            explain(c, sql, binds);
          } else if (m.getName().equals("execute") && (args == null || args.length == 0)) {
            explainLast(c, sql, binds);
          }
          return invoke(ps, m, args);
        });
  }

  /**
   * A statement run with execute(): the stores' {@code SELECT set_config(..., ?, true); SELECT ...}
   * (the tenant, then the query). The plan kept is the query's, with the bind values that are its.
   */
  private void explainLast(Connection c, String sql, Map<Integer, Object> binds) throws Exception {
    int split = sql.indexOf("; ");
    if (split < 0) {
      explain(c, sql, binds);
      return;
    }
    int skipped = (int) sql.substring(0, split).chars().filter(ch -> ch == '?').count();
    Map<Integer, Object> rest = new TreeMap<>();
    binds.forEach(
        (i, v) -> {
          if (i > skipped) {
            rest.put(i - skipped, v);
          }
        });
    explain(c, sql.substring(split + 2), rest);
  }

  private void explain(Connection c, String sql, Map<Integer, Object> binds) throws Exception {
    try (PreparedStatement e =
        c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)) {
      for (Map.Entry<Integer, Object> b : binds.entrySet()) {
        if (b.getValue() instanceof java.sql.Array a) {
          e.setArray(b.getKey(), a);
        } else {
          e.setObject(b.getKey(), b.getValue());
        }
      }
      try (ResultSet rs = e.executeQuery()) {
        rs.next();
        synchronized (this) {
          plans.add(rs.getString(1));
        }
      }
    }
  }

  private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, InvocationHandler h) {
    return (T)
        Proxy.newProxyInstance(PlanRecorder.class.getClassLoader(), new Class<?>[] {type}, h);
  }
}
