package io.fhirflow.api.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Every SQL statement the API runs against the sink's {@code fhir_observation} table. Paging is keyset
 * on (effective_start, id), which the index (patient_id, code, effective_start DESC) serves without
 * OFFSET scans, so page 1,000 costs what page 1 costs.
 */
public final class ObservationStore {

  private static final String COLUMNS = "id, version_id, last_updated, effective_start, resource::text";

  private final DataSource dataSource;

  public ObservationStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** One Observation, or empty when it does not exist or belongs to another patient than {@code patient}. */
  public Optional<StoredResource> read(String id, Optional<String> patient) {
    Sql sql = new Sql().append("SELECT " + COLUMNS + " FROM fhir_observation WHERE id = ?", id);
    patient.ifPresent(p -> sql.append(" AND patient_id = ?", p));
    List<StoredResource> rows = query(sql);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /** Up to {@code query.count()} rows in the requested order, after {@code query.after()}. */
  public Page search(ObservationQuery query) {
    Sql sql = new Sql().append("SELECT " + COLUMNS + " FROM fhir_observation WHERE ").append(where(query));
    query.after().ifPresent(key -> sql.append(" AND ").append(after(key, query.newestFirst())));
    sql.append(query.newestFirst()
        ? " ORDER BY effective_start DESC NULLS FIRST, id DESC"
        : " ORDER BY effective_start ASC NULLS LAST, id ASC");
    sql.append(" LIMIT ?", query.count() + 1);
    List<StoredResource> rows = query(sql);
    if (rows.size() <= query.count()) {
      return new Page(rows, Optional.empty());
    }
    List<StoredResource> page = rows.subList(0, query.count());
    StoredResource last = page.get(page.size() - 1);
    return new Page(List.copyOf(page), Optional.of(new PageKey(last.effectiveStart(), last.id())));
  }

  /** How many rows the query matches, ignoring count and paging ({@code _summary=count}). */
  public long count(ObservationQuery query) {
    Sql sql = new Sql().append("SELECT count(*) FROM fhir_observation WHERE ").append(where(query));
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = sql.prepare(c); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new StoreUnavailableException(e.getSQLState());
    }
  }

  /**
   * The newest {@code max} Observations of each code for one patient ($lastn), grouped by code, newest
   * first within a code; at most {@code limit} rows in all.
   */
  public List<StoredResource> lastN(String patient, List<List<TokenCriterion>> codes,
      List<List<TokenCriterion>> categories, int max, int limit) {
    ObservationQuery filter = new ObservationQuery(Optional.of(patient), codes, categories, List.of(), true, limit, Optional.empty());
    Sql sql = new Sql().append("SELECT " + COLUMNS + " FROM (SELECT o.*, row_number() OVER (PARTITION BY code"
        + " ORDER BY effective_start DESC NULLS LAST, id DESC) AS rank FROM fhir_observation o WHERE ")
        .append(where(filter))
        .append(") ranked WHERE rank <= ? ORDER BY code, effective_start DESC NULLS LAST, id DESC LIMIT ?", max, limit);
    return query(sql);
  }

  private static Sql where(ObservationQuery q) {
    Sql sql = new Sql();
    q.patient().ifPresentOrElse(p -> sql.append("patient_id = ?", p), () -> sql.append("TRUE"));
    for (List<TokenCriterion> anyOf : q.codes()) {
      sql.append(" AND ").append(TokenCriterion.matchAny("codes", anyOf));
    }
    for (List<TokenCriterion> anyOf : q.categories()) {
      sql.append(" AND ").append(TokenCriterion.matchAny("category", anyOf));
    }
    for (List<DateCriterion> anyOf : q.dates()) {
      sql.append(" AND (");
      for (int i = 0; i < anyOf.size(); i++) {
        sql.append(i == 0 ? "" : " OR ").append(anyOf.get(i).toSql());
      }
      sql.append(")");
    }
    return sql;
  }

  /** Rows strictly after {@code key} in the sort order; the redundant bound lets the index range-scan. */
  private static Sql after(PageKey key, boolean newestFirst) {
    OffsetDateTime s = key.effectiveStart();
    if (newestFirst) {
      return s == null
          ? new Sql().append("(effective_start IS NOT NULL OR id < ?)", key.id())
          : new Sql().append("(effective_start <= ? AND (effective_start < ? OR id < ?))", s, s, key.id());
    }
    return s == null
        ? new Sql().append("(effective_start IS NULL AND id > ?)", key.id())
        : new Sql().append("(effective_start >= ? AND (effective_start > ? OR id > ?) OR effective_start IS NULL)", s, s, key.id());
  }

  private List<StoredResource> query(Sql sql) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = sql.prepare(c); ResultSet rs = ps.executeQuery()) {
      List<StoredResource> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(new StoredResource(rs.getString(1), rs.getLong(2), rs.getObject(3, OffsetDateTime.class).toInstant(),
            rs.getObject(4, OffsetDateTime.class), rs.getBytes(5)));
      }
      return rows;
    } catch (SQLException e) {
      throw new StoreUnavailableException(e.getSQLState());
    }
  }
}
