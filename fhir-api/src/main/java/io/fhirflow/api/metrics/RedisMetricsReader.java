package io.fhirflow.api.metrics;

import io.fhirflow.contracts.RedisKeyLayout;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads one patient's metrics view as the topology writes it ({@link RedisKeyLayout},
 * docs/redis-metrics.md): the latest-values hash and one hash per day, fetched as one pipelined
 * batch of HGETALLs over a single shared Lettuce connection. Field values are the topology's JSON
 * texts, returned untouched. Every key it reads names the tenant it is given, so a patient of
 * another tenant has no view here.
 */
public final class RedisMetricsReader implements AutoCloseable {

  /** The raw view: metric → JSON text for the latest values, and per day metric → JSON text. */
  public record PatientView(Map<String, String> latest, Map<LocalDate, Map<String, String>> days) {}

  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final RedisClient client;
  private final RedisKeyLayout keys;
  private volatile StatefulRedisConnection<String, String> connection;

  public RedisMetricsReader(String url, String prefix) {
    RedisURI uri = RedisURI.create(url);
    uri.setTimeout(TIMEOUT);
    this.client = RedisClient.create(uri);
    this.keys = new RedisKeyLayout(prefix);
  }

  private RedisAsyncCommands<String, String> commands() {
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
    return c.async();
  }

  /**
   * The latest values and the days {@code from}..{@code to} (inclusive) that have data, of a
   * patient of {@code tenant}.
   */
  public PatientView patient(String tenant, String patientId, LocalDate from, LocalDate to) {
    RedisAsyncCommands<String, String> redis = commands();
    RedisFuture<Map<String, String>> latest = redis.hgetall(keys.latest(tenant, patientId));
    Map<LocalDate, RedisFuture<Map<String, String>>> dayFutures = new LinkedHashMap<>();
    for (LocalDate d = to; !d.isBefore(from); d = d.minusDays(1)) {
      dayFutures.put(d, redis.hgetall(keys.day(tenant, patientId, d)));
    }
    Map<LocalDate, Map<String, String>> days = new LinkedHashMap<>();
    for (Map.Entry<LocalDate, RedisFuture<Map<String, String>>> e : dayFutures.entrySet()) {
      Map<String, String> fields = await(e.getValue());
      if (!fields.isEmpty()) {
        days.put(e.getKey(), fields);
      }
    }
    return new PatientView(await(latest), days);
  }

  private static Map<String, String> await(RedisFuture<Map<String, String>> f) {
    try {
      return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading metrics");
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("metrics store unavailable: " + e.getClass().getSimpleName());
    }
  }

  public boolean ping() {
    try {
      return "PONG".equals(commands().ping().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (connection != null) {
      connection.close();
    }
    client.shutdown();
  }
}
