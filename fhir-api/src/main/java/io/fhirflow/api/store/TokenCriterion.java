package io.fhirflow.api.store;

import java.util.List;

/**
 * One FHIR token search value ({@code system|code}, {@code code}, {@code system|}) matched against a
 * {@code text[]} column whose elements are {@code system|code} strings, as the sink stores codes,
 * categories and identifiers. Values in a list are ORed.
 *
 * @param system null when the search gave no system (any system matches)
 * @param code null when the search gave {@code system|} (any code in that system matches)
 */
public record TokenCriterion(String system, String code) {

  /** SQL matching any of {@code anyOf} in {@code column}. */
  static Sql matchAny(String column, List<TokenCriterion> anyOf) {
    Sql sql = new Sql().append("(");
    for (int i = 0; i < anyOf.size(); i++) {
      if (i > 0) {
        sql.append(" OR ");
      }
      anyOf.get(i).appendMatch(sql, column);
    }
    return sql.append(")");
  }

  private void appendMatch(Sql sql, String column) {
    if (system != null && code != null) {
      // Containment uses the GIN index on the column.
      sql.append(column + " @> ?", (Object) new String[] {system + "|" + code});
    } else if (code != null) {
      sql.append("EXISTS (SELECT 1 FROM unnest(" + column + ") AS t(v) WHERE substr(v, strpos(v, '|') + 1) = ?)", code);
    } else {
      sql.append("EXISTS (SELECT 1 FROM unnest(" + column + ") AS t(v) WHERE left(v, strpos(v, '|')) = ?)", system + "|");
    }
  }
}
