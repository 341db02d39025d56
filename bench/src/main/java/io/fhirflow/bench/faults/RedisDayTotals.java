package io.fhirflow.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.store.StoreTables;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Redis day totals against totals recomputed from PostgreSQL, for a sample of patients: per local
 * day, the step count's sum and count (a cumulative metric) and the heart rate's count and sum (a
 * rate), from the stored Observations' values and the local date of their effective time (the
 * mapper writes it with the sample's own offset, the day the topology aggregates by).
 *
 * <p>A heart-rate day holding an {@code amended} Observation is compared by nothing but reported: a
 * Health Connect series edited on the phone can lose points, whose Observations stay in the store
 * while the day total takes their contribution back (see the report's findings).
 */
final class RedisDayTotals {

  /** One (patient, day, metric) compared. */
  record Comparison(
      String patientId,
      String day,
      String metric,
      double pgSum,
      long pgCount,
      Double redisSum,
      Long redisCount,
      boolean edited,
      Instant lastWritten) {
    boolean matches() {
      return redisCount != null
          && redisCount == pgCount
          && Math.abs(redisSum - pgSum) <= 1e-6 * Math.max(1, Math.abs(pgSum));
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> METRIC_BY_CODE =
      Map.of("http://loinc.org|55423-8", "steps", "http://loinc.org|8867-4", "heart_rate");

  private RedisDayTotals() {}

  static List<Comparison> compare(Connection db, String redisUrl, int patients)
      throws SQLException {
    List<String> sample = new ArrayList<>();
    // A stable pseudo-random sample: the same patients in every run of the same seed.
    try (PreparedStatement s =
        db.prepareStatement(
            "SELECT patient_id FROM (SELECT DISTINCT patient_id FROM "
                + StoreTables.OBSERVATION
                + ") p ORDER BY md5(patient_id) LIMIT ?")) {
      s.setInt(1, patients);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          sample.add(r.getString(1));
        }
      }
    }
    List<Comparison> out = new ArrayList<>();
    RedisKeyLayout keys = new RedisKeyLayout(RedisKeyLayout.DEFAULT_PREFIX);
    RedisClient client = RedisClient.create(redisUrl);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      for (String patient : sample) {
        for (Map.Entry<String, Totals> e : fromPostgres(db, patient).entrySet()) {
          String[] dayMetric = e.getKey().split("\\|");
          Totals t = e.getValue();
          String json =
              redis.hget(
                  keys.day(Tenants.DEFAULT, patient, LocalDate.parse(dayMetric[0])), dayMetric[1]);
          Double redisSum = null;
          Long redisCount = null;
          if (json != null) {
            JsonNode n = JSON.readTree(json);
            redisCount = n.path("count").asLong();
            redisSum =
                n.has("sum") ? n.path("sum").asDouble() : n.path("avg").asDouble() * redisCount;
          }
          out.add(
              new Comparison(
                  patient,
                  dayMetric[0],
                  dayMetric[1],
                  t.sum,
                  t.count,
                  redisSum,
                  redisCount,
                  t.edited,
                  t.lastWritten));
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a Redis day value is not JSON", e);
    } finally {
      client.shutdown();
    }
    return out;
  }

  private static final class Totals {
    double sum;
    long count;
    boolean edited;
    Instant lastWritten = Instant.EPOCH;
  }

  private static Map<String, Totals> fromPostgres(Connection db, String patient)
      throws SQLException {
    Map<String, Totals> totals = new TreeMap<>();
    String sql =
        "SELECT code, coalesce(resource->'effectivePeriod'->>'start', resource->>'effectiveDateTime'),"
            + " (resource->'valueQuantity'->>'value')::float8, resource->>'status', written_at"
            + " FROM "
            + StoreTables.OBSERVATION
            + " WHERE patient_id = ? AND code = ANY(?)";
    try (PreparedStatement s = db.prepareStatement(sql)) {
      s.setString(1, patient);
      s.setArray(2, db.createArrayOf("text", METRIC_BY_CODE.keySet().toArray()));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String effective = r.getString(2);
          if (effective == null || r.getObject(3) == null) {
            continue;
          }
          Totals t =
              totals.computeIfAbsent(
                  effective.substring(0, 10) + "|" + METRIC_BY_CODE.get(r.getString(1)),
                  k -> new Totals());
          t.sum += r.getDouble(3);
          t.count++;
          t.edited |= "amended".equals(r.getString(4));
          Timestamp written = r.getTimestamp(5);
          if (written != null && written.toInstant().isAfter(t.lastWritten)) {
            t.lastWritten = written.toInstant();
          }
        }
      }
    }
    return totals;
  }
}
