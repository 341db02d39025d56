package io.fhirflow.api.metrics;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads one patient's metric keys, written by the topology (layout: docs/redis-metrics.md), with one
 * shared Lettuce connection (thread-safe, pipelined by Lettuce). Every key of the patient is returned
 * as a map of its hash fields, grouped by the key's suffix after the patient id.
 */
public final class RedisMetricsReader implements AutoCloseable {

  private final RedisClient client;
  private final String prefix;
  private volatile StatefulRedisConnection<String, String> connection;

  public RedisMetricsReader(String url, String prefix) {
    RedisURI uri = RedisURI.create(url);
    uri.setTimeout(Duration.ofSeconds(2));
    this.client = RedisClient.create(uri);
    this.prefix = prefix;
  }

  private RedisCommands<String, String> commands() {
    StatefulRedisConnection<String, String> c = connection;
    if (c == null || !c.isOpen()) {
      synchronized (this) {
        c = connection;
        if (c == null || !c.isOpen()) {
          c = client.connect();
          connection = c;
        }
      }
    }
    return c.sync();
  }

  /** Suffix (e.g. {@code latest}, {@code day:2026-01-05}) → hash fields, for one patient. */
  public Map<String, Map<String, String>> patient(String patientId) {
    RedisCommands<String, String> redis = commands();
    String keyPrefix = prefix + "patient:" + patientId + ":";
    Map<String, Map<String, String>> out = new TreeMap<>();
    ScanCursor cursor = ScanCursor.INITIAL;
    ScanArgs match = ScanArgs.Builder.matches(escape(keyPrefix) + "*").limit(200);
    do {
      KeyScanCursor<String> page = redis.scan(cursor, match);
      for (String key : page.getKeys()) {
        out.put(key.substring(keyPrefix.length()), new LinkedHashMap<>(redis.hgetall(key)));
      }
      cursor = page;
    } while (!cursor.isFinished());
    return out;
  }

  public boolean ping() {
    try {
      return "PONG".equals(commands().ping());
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Ids are client text: glob characters in them must match literally. */
  private static String escape(String s) {
    return s.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
  }

  @Override
  public void close() {
    if (connection != null) {
      connection.close();
    }
    client.shutdown();
  }
}
