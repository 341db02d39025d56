package io.fhirflow.api.store;

import java.util.ArrayList;
import java.util.List;

/**
 * One FHIR token search value ({@code system|code}, {@code code}, {@code system|}) matched against
 * a {@code text[]} column whose elements are {@code system|code} strings, as the sink stores codes,
 * categories and identifiers. Values in a list are ORed.
 *
 * @param system null when the search gave no system (any system matches)
 * @param code null when the search gave {@code system|} (any code in that system matches)
 */
public record TokenCriterion(String system, String code) {

  /**
   * Whether the value names a whole {@code system|code}, which a GIN index on the column can find.
   */
  boolean isExact() {
    return system != null && code != null;
  }

  /**
   * SQL matching any of {@code anyOf} in {@code column}. The exact values become one array overlap
   * ({@code column && ARRAY[...]}): a single GIN index condition however long the OR list, where
   * one {@code @>} per value made PostgreSQL OR together one index scan (or one filter) per value.
   */
  static Sql matchAny(String column, List<TokenCriterion> anyOf) {
    List<String> exact = new ArrayList<>();
    List<TokenCriterion> partial = new ArrayList<>();
    for (TokenCriterion t : anyOf) {
      if (t.isExact()) {
        exact.add(t.system + "|" + t.code);
      } else {
        partial.add(t);
      }
    }
    Sql sql = new Sql().append("(");
    String or = "";
    if (!exact.isEmpty()) {
      sql.append(column + " && ?", (Object) exact.toArray(String[]::new));
      or = " OR ";
    }
    for (TokenCriterion t : partial) {
      sql.append(or);
      t.appendPartialMatch(sql, column);
      or = " OR ";
    }
    return sql.append(")");
  }

  private void appendPartialMatch(Sql sql, String column) {
    if (code != null) {
      sql.append(
          "EXISTS (SELECT 1 FROM unnest("
              + column
              + ") AS t(v) WHERE substr(v, strpos(v, '|') + 1) = ?)",
          code);
    } else {
      sql.append(
          "EXISTS (SELECT 1 FROM unnest(" + column + ") AS t(v) WHERE left(v, strpos(v, '|')) = ?)",
          system + "|");
    }
  }
}
