package io.fhirflow.api.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A SQL text under construction with its bind values kept beside it, so that every value reaches
 * PostgreSQL as a parameter and never as text: search parameters may contain anything.
 */
final class Sql {

  private final StringBuilder text = new StringBuilder();
  private final List<Object> values = new ArrayList<>();

  Sql append(String fragment, Object... params) {
    text.append(fragment);
    Collections.addAll(values, params);
    return this;
  }

  Sql append(Sql other) {
    text.append(other.text);
    values.addAll(other.values);
    return this;
  }

  boolean isEmpty() {
    return text.length() == 0;
  }

  String text() {
    return text.toString();
  }

  List<Object> values() {
    return values;
  }

  PreparedStatement prepare(Connection c) throws SQLException {
    PreparedStatement ps = c.prepareStatement(text.toString());
    bind(c, ps, 1);
    return ps;
  }

  /**
   * This statement prefixed with setting the request's tenant for its transaction (see {@link
   * TenantQuery}); the tenant is the first parameter.
   */
  PreparedStatement prepareAsTenant(Connection c, String tenant) throws SQLException {
    PreparedStatement ps = c.prepareStatement(TenantQuery.SET_TENANT + text);
    ps.setString(1, tenant);
    bind(c, ps, 2);
    return ps;
  }

  private void bind(Connection c, PreparedStatement ps, int first) throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      Object v = values.get(i);
      if (v instanceof String[] array) {
        ps.setArray(first + i, c.createArrayOf("text", array));
      } else {
        ps.setObject(first + i, v);
      }
    }
  }
}
