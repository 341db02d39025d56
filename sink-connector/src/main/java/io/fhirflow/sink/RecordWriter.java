package io.fhirflow.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Writes a batch of distinct rows in one transaction, newer-wins, and checks what it wrote.
 *
 * <p>Either every row of the batch is applied (or found not newer) and committed, or the
 * transaction is rolled back and the {@link SQLException} is thrown; the caller classifies it
 * ({@link SqlFailure}) and retries, isolates bad rows, or fails.
 */
public final class RecordWriter {

  /**
   * What one committed batch did. {@code changed} ≤ {@code rows}: stale versions change nothing.
   * {@code patientMismatches}: ids of Observations left untouched because their stored row belongs
   * to another patient; their records are to be dead-lettered (PATIENT_MISMATCH).
   */
  public record WriteResult(int rows, int changed, Set<String> patientMismatches) {}

  private final DatabaseSession session;
  private final PostgresDatabaseDialect dialect;
  private final WriteMethod method;

  /** The COPY rows of a batch, in a UTF-8 buffer kept for the next batch. */
  private final CopyTextEncoder encoder = new CopyTextEncoder();

  public RecordWriter(
      DatabaseSession session, PostgresDatabaseDialect dialect, WriteMethod method) {
    this.session = session;
    this.dialect = dialect;
    this.method = method;
  }

  /**
   * Upserts {@code rows} (at most one per type and id) in one transaction.
   *
   * @throws SQLException after rolling back; the connection is reset when it may be broken
   */
  public WriteResult write(List<ResourceRow> rows) throws SQLException {
    return write(List.of(), rows);
  }

  /**
   * Applies an erasure's {@code removals} and then upserts {@code rows}, in one transaction; the
   * rows are what came after the removals (the buffer dropped those before them).
   */
  public WriteResult write(List<Removal> removals, List<ResourceRow> rows) throws SQLException {
    if (rows.isEmpty() && removals.isEmpty()) {
      return new WriteResult(0, 0, Set.of());
    }
    Connection c = session.connection();
    try {
      int changed = removals.isEmpty() ? 0 : remove(c, removals);
      Set<String> mismatches = new HashSet<>();
      List<ResourceRow> deletions = rows.stream().filter(ResourceRow::isDeletion).toList();
      if (!deletions.isEmpty()) {
        changed += delete(c, deletions, mismatches);
      }
      for (Map.Entry<ResourceType, List<ResourceRow>> group : byType(rows).entrySet()) {
        changed +=
            switch (method) {
              case UNNEST -> unnestUpsert(c, group.getKey(), group.getValue(), mismatches);
              case COPY -> copyThenUpsert(c, group.getKey(), group.getValue(), mismatches);
              case BATCHED_INSERT -> batchedUpsert(c, group.getKey(), group.getValue(), mismatches);
            };
      }
      c.commit();
      return new WriteResult(rows.size(), changed, Set.copyOf(mismatches));
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      if (SqlFailure.classify(e) != SqlFailure.DATA) {
        session.reset();
      }
      throw e;
    }
  }

  /** One statement per kind of removal, whatever their number; returns the rows removed. */
  private int remove(Connection c, List<Removal> removals) throws SQLException {
    int removed = 0;
    for (ResourceType type : ResourceType.values()) {
      List<String> ids = removals.stream().filter(r -> r.type() == type).map(Removal::id).toList();
      if (ids.isEmpty()) {
        continue;
      }
      java.sql.Array bound = textArray(c, ids);
      if (type == ResourceType.OBSERVATION) {
        try (PreparedStatement rows = c.prepareStatement(dialect.eraseObservations());
            PreparedStatement register = c.prepareStatement(dialect.eraseDeletionRegister())) {
          rows.setArray(1, bound);
          removed += rows.executeUpdate();
          register.setArray(1, bound);
          removed += register.executeUpdate();
        }
      } else {
        try (PreparedStatement rows = c.prepareStatement(dialect.removeRows(type))) {
          rows.setArray(1, bound);
          removed += rows.executeUpdate();
        }
      }
    }
    return removed;
  }

  /**
   * Applies the batch's deletions (Observations only) with three statements whatever their number:
   * find ids stored under another patient (left alone, dead-lettered PATIENT_MISMATCH), register
   * the rest as deleted, remove their rows. Replaying a deletion changes nothing.
   */
  private int delete(Connection c, List<ResourceRow> deletions, Set<String> mismatches)
      throws SQLException {
    java.sql.Array ids = textArray(c, deletions.stream().map(ResourceRow::id).toList());
    java.sql.Array patients = textArray(c, deletions.stream().map(ResourceRow::patientId).toList());
    try (PreparedStatement find = c.prepareStatement(dialect.deletionPatientMismatches());
        PreparedStatement register = c.prepareStatement(dialect.registerDeletions());
        PreparedStatement remove = c.prepareStatement(dialect.deleteObservations())) {
      find.setArray(1, ids);
      find.setArray(2, patients);
      try (ResultSet rs = find.executeQuery()) {
        while (rs.next()) {
          mismatches.add(rs.getString(1));
        }
      }
      register.setArray(1, ids);
      register.setArray(2, patients);
      register.setArray(3, textArray(c, deletions.stream().map(ResourceRow::tenant).toList()));
      register.executeUpdate();
      remove.setArray(1, ids);
      remove.setArray(2, patients);
      return remove.executeUpdate();
    }
  }

  /**
   * The batch as one array per column, bound in binary, in one INSERT ... SELECT FROM unnest: the
   * rows reach the table without the COPY path's staging table, which PostgreSQL wrote and read
   * back (and emptied at commit) for every batch.
   */
  private int unnestUpsert(
      Connection c, ResourceType type, List<ResourceRow> rows, Set<String> mismatches)
      throws SQLException {
    int n = rows.size();
    boolean observation = type == ResourceType.OBSERVATION;
    String[] ids = new String[n];
    String[] patients = observation ? new String[n] : null;
    String[] codes = observation ? new String[n] : null;
    String[] codings = observation ? new String[n] : null;
    String[] categories = observation ? new String[n] : null;
    String[] starts = observation ? new String[n] : null;
    String[] ends = observation ? new String[n] : null;
    String[] identifiers = observation ? null : new String[n];
    String[] lastUpdated = new String[n];
    long[] versions = new long[n];
    String[] resources = new String[n];
    String[] tenants = new String[n];
    for (int i = 0; i < n; i++) {
      ResourceRow row = rows.get(i);
      ids[i] = row.id();
      if (observation) {
        patients[i] = row.patientId();
        codes[i] = row.code();
        codings[i] = ArrayLiteral.of(row.codes());
        categories[i] = ArrayLiteral.of(row.category());
        starts[i] = text(row.effectiveStart());
        ends[i] = text(row.effectiveEnd());
      } else {
        identifiers[i] = ArrayLiteral.of(row.identifiers());
      }
      lastUpdated[i] = text(row.lastUpdated());
      versions[i] = row.versionId();
      resources[i] = row.json();
      tenants[i] = row.tenant();
    }
    // pgjdbc sends a String[] or long[] as a binary array: no escaping on either side.
    Object[] columns =
        observation
            ? new Object[] {
              ids,
              patients,
              codes,
              codings,
              categories,
              starts,
              ends,
              lastUpdated,
              versions,
              resources,
              tenants
            }
            : new Object[] {ids, identifiers, lastUpdated, versions, resources, tenants};
    try (PreparedStatement ps = c.prepareStatement(dialect.upsertFromArrays(type))) {
      for (int i = 0; i < columns.length; i++) {
        ps.setObject(i + 1, columns[i]);
      }
      int changed = ps.executeUpdate();
      // Every row changed: none was held back. Otherwise look (rare: replays, stale versions).
      if (observation && changed < n) {
        try (PreparedStatement find = c.prepareStatement(dialect.patientMismatchesAmong())) {
          find.setObject(1, ids);
          find.setObject(2, patients);
          find.setObject(3, tenants);
          try (ResultSet rs = find.executeQuery()) {
            while (rs.next()) {
              mismatches.add(rs.getString(1));
            }
          }
        }
      }
      return changed;
    }
  }

  /** ISO-8601 with 'Z', which timestamptz parses exactly (microseconds kept). */
  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private int copyThenUpsert(
      Connection c, ResourceType type, List<ResourceRow> rows, Set<String> mismatches)
      throws SQLException {
    encoder.reset();
    for (ResourceRow row : rows) {
      encode(encoder, row);
    }
    // Bytes in one piece: pgjdbc's Reader variant re-encodes the text in small chunks.
    CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(dialect.copyIntoStage(type));
    long copied;
    try {
      copy.writeToCopy(encoder.buffer(), 0, encoder.length());
      copied = copy.endCopy();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
    if (copied != rows.size()) {
      throw new IllegalStateException("COPY staged " + copied + " rows of " + rows.size());
    }
    try (Statement s = c.createStatement()) {
      int changed = s.executeUpdate(dialect.upsertFromStage(type));
      // Every row changed: none was held back. Otherwise look (rare: replays, stale versions).
      if (type == ResourceType.OBSERVATION && changed < rows.size()) {
        try (ResultSet rs = s.executeQuery(dialect.patientMismatchesInStage())) {
          while (rs.next()) {
            mismatches.add(rs.getString(1));
          }
        }
      }
      return changed;
    }
  }

  private int batchedUpsert(
      Connection c, ResourceType type, List<ResourceRow> rows, Set<String> mismatches)
      throws SQLException {
    if (type == ResourceType.OBSERVATION) {
      // pgjdbc's rewritten batch reports no per-row counts, so ask before writing.
      mismatches.addAll(storedUnderAnotherPatient(c, rows));
    }
    try (PreparedStatement ps = c.prepareStatement(dialect.upsertValues(type))) {
      for (ResourceRow row : rows) {
        bind(ps, row);
        ps.addBatch();
      }
      int changed = 0;
      for (int n : ps.executeBatch()) {
        // pgjdbc reports SUCCESS_NO_INFO (-2) for rewritten multi-row statements
        changed += Math.max(n, 0);
      }
      if (type == ResourceType.OBSERVATION) {
        // A VALUES insert cannot skip registered ids as the COPY path does: take them back out.
        try (PreparedStatement undo = c.prepareStatement(dialect.deleteRegisteredAmong())) {
          undo.setArray(1, textArray(c, rows.stream().map(ResourceRow::id).toList()));
          changed -= undo.executeUpdate();
        }
      }
      return changed;
    }
  }

  private Set<String> storedUnderAnotherPatient(Connection c, List<ResourceRow> rows)
      throws SQLException {
    Map<String, ResourceRow> incoming = new HashMap<>();
    for (ResourceRow row : rows) {
      incoming.put(row.id(), row);
    }
    Set<String> mismatches = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(dialect.storedPatients())) {
      ps.setArray(1, textArray(c, List.copyOf(incoming.keySet())));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ResourceRow row = incoming.get(rs.getString(1));
          if (!rs.getString(2).equals(row.patientId()) || !rs.getString(3).equals(row.tenant())) {
            mismatches.add(rs.getString(1));
          }
        }
      }
    }
    return mismatches;
  }

  private static void encode(CopyTextEncoder e, ResourceRow row) {
    e.text(row.id());
    if (row.type() == ResourceType.OBSERVATION) {
      e.text(row.patientId())
          .text(row.code())
          .textArray(row.codes())
          .textArray(row.category())
          .instant(row.effectiveStart())
          .instant(row.effectiveEnd());
    } else {
      e.textArray(row.identifiers());
    }
    e.instant(row.lastUpdated()).number(row.versionId()).text(row.json()).text(row.tenant());
    e.endRow();
  }

  private static void bind(PreparedStatement ps, ResourceRow row) throws SQLException {
    int i = 1;
    ps.setString(i++, row.id());
    if (row.type() == ResourceType.OBSERVATION) {
      ps.setString(i++, row.patientId());
      ps.setString(i++, row.code());
      ps.setArray(i++, textArray(ps.getConnection(), row.codes()));
      ps.setArray(i++, textArray(ps.getConnection(), row.category()));
      ps.setObject(i++, utc(row.effectiveStart()));
      ps.setObject(i++, utc(row.effectiveEnd()));
    } else {
      ps.setArray(i++, textArray(ps.getConnection(), row.identifiers()));
    }
    ps.setObject(i++, utc(row.lastUpdated()));
    ps.setLong(i++, row.versionId());
    ps.setString(i++, row.json());
    ps.setString(i, row.tenant());
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static java.sql.Array textArray(Connection c, List<String> values) throws SQLException {
    return values == null ? null : c.createArrayOf("text", values.toArray());
  }

  /** The rows to upsert, by type (deletions are applied apart). */
  private static Map<ResourceType, List<ResourceRow>> byType(List<ResourceRow> rows) {
    Map<ResourceType, List<ResourceRow>> groups = new EnumMap<>(ResourceType.class);
    for (ResourceRow row : rows) {
      if (row.isDeletion()) {
        continue;
      }
      groups.computeIfAbsent(row.type(), t -> new ArrayList<>()).add(row);
    }
    return groups;
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is gone; the caller resets it and the batch is retried as a whole
    }
  }
}
