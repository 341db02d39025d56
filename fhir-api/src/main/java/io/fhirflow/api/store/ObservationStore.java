package io.fhirflow.api.store;

import static io.fhirflow.store.StoreTables.OBSERVATION;
import static io.fhirflow.store.StoreTables.OBSERVATION_DELETED;

import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Every SQL statement the API runs against the sink's {@code fhir_observation} table. Paging is
 * keyset on (effective_start, id), which the index (patient_id, effective_start DESC, id DESC)
 * serves without OFFSET scans, so page 1,000 costs what page 1 costs. Every statement runs on an
 * index: a search is always confined to one patient (token or parameter), see {@link #search}.
 */
public final class ObservationStore {

  private static final String COLUMNS = StoredResource.OBSERVATION_COLUMNS;

  private final DataSource dataSource;

  public ObservationStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * One Observation, or empty when it does not exist or belongs to another patient than {@code
   * patient}.
   */
  public Optional<StoredResource> read(String id, Optional<String> patient) {
    Sql sql = new Sql().append("SELECT " + COLUMNS + " FROM " + OBSERVATION + " WHERE id = ?", id);
    patient.ifPresent(p -> sql.append(" AND patient_id = ?", p));
    List<StoredResource> rows = query(sql);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /**
   * True when the Observation was deleted (the sink's register {@code fhir_observation_deleted},
   * sink migration V5) and, when {@code patient} is given, belonged to that patient: a confined
   * reader learns nothing about another patient's ids. Asked only after {@link #read} found
   * nothing.
   */
  public boolean wasDeleted(String id, Optional<String> patient) {
    Sql sql = new Sql().append("SELECT 1 FROM " + OBSERVATION_DELETED + " WHERE id = ?", id);
    patient.ifPresent(p -> sql.append(" AND patient_id = ?", p));
    return exists(sql);
  }

  /**
   * Up to {@code query.count()} rows in the requested order, after {@code query.after()}.
   *
   * <p>A search with code or category values for one patient runs in two bounded steps, because
   * PostgreSQL cannot know how a patient's codes are spread (its statistics are per table): planned
   * on estimates, a code the patient never had, or two codes that never occur together, walked all
   * of the patient's rows (100,000 for a patient with years of data) to find nothing. First, walk
   * at most {@link #walkLimit} of the patient's rows in page order and filter them: a frequent code
   * fills the page there. If it does not, the values are rare for this patient, and the GIN index
   * on (patient_id, codes, category) finds exactly the matching rows, which are then few to sort.
   */
  public Page search(ObservationQuery query) {
    boolean tokens =
        query.patient().isPresent() && !(query.codes().isEmpty() && query.categories().isEmpty());
    List<StoredResource> rows = query(tokens ? walkSql(query) : plainSql(query));
    if (tokens && rows.size() <= query.count()) {
      rows = query(indexedSql(query));
    }
    return page(rows, query.count());
  }

  /**
   * How many of the patient's rows the first step reads at most: enough for a page of a frequent
   * code.
   */
  static int walkLimit(int count) {
    return Math.max(2_000, 4 * (count + 1));
  }

  /** One statement; the planner picks the index (patient/time for one patient). */
  private static Sql plainSql(ObservationQuery query) {
    return pageSql(query, "");
  }

  /**
   * Step 1: the patient's next {@link #walkLimit} rows in page order (the time index), then the
   * filters.
   */
  private static Sql walkSql(ObservationQuery query) {
    Sql walked =
        new Sql()
            .append(
                "SELECT * FROM " + OBSERVATION + " WHERE patient_id = ?", query.patient().get());
    startBounds(walked, query);
    query.after().ifPresent(key -> walked.append(" AND ").append(after(key, query.newestFirst())));
    walked.append(orderBy(query.newestFirst(), "")).append(" LIMIT ?", walkLimit(query.count()));
    return new Sql()
        .append("SELECT " + COLUMNS + " FROM (")
        .append(walked)
        // The patient again here would be counted twice by the planner (its selectivity squared:
        // an estimate of 1 row), which then sorted all of the patient's rows found through the GIN
        // index (20-49 ms for 1,000 rows) instead of reading the time index in order until the page
        // is full (0.4-0.8 ms): BENCHMARKS.md, "FHIR API", 2026-12-07 21:30.
        .append(") walked WHERE TRUE")
        .append(filters(query))
        .append(orderBy(query.newestFirst(), ""))
        .append(" LIMIT ?", query.count() + 1);
  }

  /**
   * Step 2: the rows the token index finds for the patient, sorted. The sort key is written so that
   * it cannot be read from the time index: that index would again walk all of the patient's rows.
   */
  private static Sql indexedSql(ObservationQuery query) {
    return pageSql(query, " + interval '0 s'");
  }

  /**
   * One page of the query's rows in page order, the sort key's start written as {@code
   * effective_start} + {@code startSuffix}.
   */
  private static Sql pageSql(ObservationQuery query, String startSuffix) {
    Sql sql =
        new Sql()
            .append("SELECT " + COLUMNS + " FROM " + OBSERVATION + " WHERE ")
            .append(where(query));
    startBounds(sql, query);
    query.after().ifPresent(key -> sql.append(" AND ").append(after(key, query.newestFirst())));
    return sql.append(orderBy(query.newestFirst(), startSuffix))
        .append(" LIMIT ?", query.count() + 1);
  }

  private static String orderBy(boolean newestFirst, String startSuffix) {
    return newestFirst
        ? " ORDER BY effective_start" + startSuffix + " DESC NULLS FIRST, id DESC"
        : " ORDER BY effective_start" + startSuffix + " ASC NULLS LAST, id ASC";
  }

  /** The date values' implied bounds on effective_start, so the time index starts at the value. */
  private static void startBounds(Sql sql, ObservationQuery query) {
    for (List<DateCriterion> anyOf : query.dates()) {
      Sql bound = anyOf.size() == 1 ? anyOf.get(0).startBound() : null;
      if (bound != null) {
        sql.append(" AND ").append(bound);
      }
    }
  }

  private static Page page(List<StoredResource> rows, int count) {
    if (rows.size() <= count) {
      return new Page(rows, Optional.empty());
    }
    List<StoredResource> page = rows.subList(0, count);
    StoredResource last = page.get(page.size() - 1);
    return new Page(List.copyOf(page), Optional.of(new PageKey(last.effectiveStart(), last.id())));
  }

  /** How many rows the query matches, ignoring count and paging ({@code _summary=count}). */
  public long count(ObservationQuery query) {
    Sql sql =
        new Sql().append("SELECT count(*) FROM " + OBSERVATION + " WHERE ").append(where(query));
    return TenantQuery.read(
        dataSource,
        sql,
        rows -> {
          rows.next();
          return rows.getLong(1);
        });
  }

  /**
   * The newest {@code max} Observations of each code for one patient ($lastn), grouped by code,
   * newest first within a code; at most {@code limit} rows in all.
   */
  public List<StoredResource> lastN(
      String patient,
      List<List<TokenCriterion>> codes,
      List<List<TokenCriterion>> categories,
      int max,
      int limit) {
    ObservationQuery filter =
        new ObservationQuery(
            Optional.of(patient), codes, categories, List.of(), true, limit, Optional.empty());
    Sql sql =
        new Sql()
            .append(
                "SELECT "
                    + COLUMNS
                    + " FROM (SELECT o.*, row_number() OVER (PARTITION BY code"
                    + " ORDER BY effective_start DESC NULLS LAST, id DESC) AS rank FROM "
                    + OBSERVATION
                    + " o WHERE ")
            .append(where(filter))
            .append(
                ") ranked WHERE rank <= ? ORDER BY code, effective_start DESC NULLS LAST, id DESC LIMIT ?",
                max,
                limit);
    return query(sql);
  }

  private static Sql where(ObservationQuery q) {
    Sql sql = new Sql();
    q.patient().ifPresentOrElse(p -> sql.append("patient_id = ?", p), () -> sql.append("TRUE"));
    return sql.append(filters(q));
  }

  /** The query's code, category and date conditions, each after " AND ". */
  private static Sql filters(ObservationQuery q) {
    Sql sql = new Sql();
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

  /**
   * Rows strictly after {@code key} in the sort order; the redundant bound lets the index
   * range-scan.
   */
  private static Sql after(PageKey key, boolean newestFirst) {
    OffsetDateTime s = key.effectiveStart();
    if (newestFirst) {
      return s == null
          ? new Sql().append("(effective_start IS NOT NULL OR id < ?)", key.id())
          : new Sql()
              .append("(effective_start <= ? AND (effective_start < ? OR id < ?))", s, s, key.id());
    }
    return s == null
        ? new Sql().append("(effective_start IS NULL AND id > ?)", key.id())
        : new Sql()
            .append(
                "(effective_start >= ? AND (effective_start > ? OR id > ?) OR effective_start IS NULL)",
                s,
                s,
                key.id());
  }

  private boolean exists(Sql sql) {
    return TenantQuery.read(dataSource, sql, ResultSet::next);
  }

  private List<StoredResource> query(Sql sql) {
    return TenantQuery.read(dataSource, sql, rows -> StoredResource.readAll(rows, true));
  }
}
