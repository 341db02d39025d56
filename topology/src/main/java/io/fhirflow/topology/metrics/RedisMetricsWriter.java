package io.fhirflow.topology.metrics;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes metric batches to Redis with Lettuce, pipelined, on its own thread, so the stream threads
 * never wait for Redis.
 *
 * <p>Failure model: report and retry. {@link #publish} only offers the batch to a bounded queue;
 * when Redis is slow or down the queue fills and new batches are dropped, and a batch whose
 * commands fail is not retried here: either way the publisher's callback hears {@code false}, and
 * the metrics branch, which keeps every value not yet confirmed in a changelogged store, offers it
 * again once {@link #hasRoom} says Redis answers (values are absolute, so writing one twice changes
 * nothing). Commands are rejected, not buffered, while disconnected (Lettuce would otherwise queue
 * them without bound), and every outcome is counted.
 *
 * <p>Heal: Redis can also lose values it had taken (FLUSHALL, a restart without persistence, a
 * failover to an empty replica). Every {@code healCheck} the writer checks its marker key ({@link
 * io.fhirflow.contracts.RedisKeyLayout#writerMarker}); when the marker vanished and Redis answers
 * again, the generation ({@link #lossGeneration}) grows and each task's metrics branch replays its
 * state stores to Redis.
 */
public final class RedisMetricsWriter implements MetricsPublisher, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisMetricsWriter.class);
  private static final Duration RECONNECT_BACKOFF = Duration.ofSeconds(1);

  /** The marker outlives a stopped writer by a day, then Redis drops it. */
  private static final Duration MARKER_TTL = Duration.ofDays(1);

  private final RedisClient client;
  private final Duration timeout;
  private final BlockingQueue<Batch> queue;
  private final Thread thread;
  private final Counter batchesWritten;
  private final Counter batchesFailed;
  private final Counter batchesDropped;
  private final Counter valuesWritten;
  private final Counter valuesLost;
  private final Counter heals;
  private final String markerKey;
  private final long healCheckNanos;
  private final AtomicBoolean lost = new AtomicBoolean();
  private volatile long lossGeneration;
  private volatile boolean running = true;

  /** False from a failed connect or batch until Redis answers again: retries wait for it. */
  private volatile boolean answering = true;

  private StatefulRedisConnection<String, String> connection;
  private long nextConnectAttempt;
  private long nextHealCheck;
  private boolean markerSet;

  /** A writer that heals only what it knows it dropped (no marker: tests of the write path). */
  public RedisMetricsWriter(
      String redisUri, int queueBatches, Duration timeout, MeterRegistry registry) {
    this(redisUri, queueBatches, timeout, registry, null, Duration.ofSeconds(5));
  }

  /**
   * @param markerKey this writer's own marker (unique per process), or null for no data-loss check
   * @param healCheck how often the marker is checked and a pending loss turned into a rewrite
   */
  public RedisMetricsWriter(
      String redisUri,
      int queueBatches,
      Duration timeout,
      MeterRegistry registry,
      String markerKey,
      Duration healCheck) {
    RedisURI uri = RedisURI.create(redisUri);
    uri.setTimeout(timeout);
    this.client = RedisClient.create(uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(100_000)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .build());
    this.timeout = timeout;
    this.queue = new ArrayBlockingQueue<>(queueBatches);
    this.batchesWritten = counter(registry, "fhirflow.redis.batches", "written");
    this.batchesFailed = counter(registry, "fhirflow.redis.batches", "failed");
    this.batchesDropped = counter(registry, "fhirflow.redis.batches", "dropped");
    this.valuesWritten = counter(registry, "fhirflow.redis.values", "written");
    this.valuesLost = counter(registry, "fhirflow.redis.values", "lost");
    this.heals =
        Counter.builder("fhirflow.redis.heals")
            .description("Rewrites of the Redis view from state after Redis lost values")
            .register(registry);
    this.markerKey = markerKey;
    this.healCheckNanos = healCheck.toNanos();
    Gauge.builder("fhirflow.redis.queue.batches", queue, BlockingQueue::size)
        .description("Batches waiting for Redis")
        .register(registry);
    this.thread = new Thread(this::run, "fhirflow-redis-writer");
    thread.setDaemon(true);
    thread.start();
  }

  private static Counter counter(MeterRegistry registry, String name, String outcome) {
    return Counter.builder(name).tag("outcome", outcome).register(registry);
  }

  /** A batch and whom to tell how it went. */
  private record Batch(List<RedisWrite> writes, Consumer<Boolean> written) {}

  @Override
  public void publish(List<RedisWrite> batch, Consumer<Boolean> written) {
    if (!running || !queue.offer(new Batch(batch, written))) {
      batchesDropped.increment();
      valuesLost.increment(batch.size());
      written.accept(false);
    }
  }

  @Override
  public long lossGeneration() {
    return lossGeneration;
  }

  @Override
  public boolean hasRoom() {
    return answering && queue.remainingCapacity() > 1;
  }

  private void run() {
    while (running || !queue.isEmpty()) {
      Batch batch;
      try {
        batch = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (batch != null) {
        write(batch);
      }
      long now = System.nanoTime();
      if (running && now - nextHealCheck >= 0) {
        nextHealCheck = now + healCheckNanos;
        checkForLoss();
      }
    }
  }

  /**
   * Sees whether Redis lost data since the last check (the marker is gone) and, when values were
   * lost and Redis answers now, starts a new generation: the metrics branch rewrites its state.
   */
  private void checkForLoss() {
    RedisAsyncCommands<String, String> redis = connected();
    if (redis == null) {
      return;
    }
    try {
      if (markerKey != null) {
        RedisFuture<Long> exists = redis.exists(markerKey);
        RedisFuture<String> set =
            redis.set(markerKey, "1", SetArgs.Builder.ex(MARKER_TTL.toSeconds()));
        connection.flushCommands();
        if (!LettuceFutures.awaitAll(timeout, exists, set)) {
          return;
        }
        if (exists.get() == 0 && markerSet) {
          lost.set(true);
        }
        markerSet = true;
      } else {
        RedisFuture<String> ping = redis.ping();
        connection.flushCommands();
        if (!LettuceFutures.awaitAll(timeout, ping)) {
          return;
        }
      }
    } catch (RuntimeException | InterruptedException | ExecutionException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.warn("redis heal check failed error={}", e.getClass().getName());
      return;
    }
    answering = true;
    if (lost.getAndSet(false)) {
      lossGeneration++;
      heals.increment();
      log.info(
          "redis lost metric values, rewriting the view from state generation={}", lossGeneration);
    }
  }

  private void write(Batch pending) {
    List<RedisWrite> batch = pending.writes();
    if (batch.size() == 1 && batch.get(0).isErasure()) {
      removeKeys(pending);
      return;
    }
    RedisAsyncCommands<String, String> redis = connected();
    if (redis == null) {
      fail(pending);
      return;
    }
    // One HSET with all fields and one EXPIREAT per key, sent as a single pipeline.
    Map<String, Map<String, String>> byKey = new LinkedHashMap<>();
    Map<String, Long> expiry = new LinkedHashMap<>();
    for (RedisWrite w : batch) {
      byKey.computeIfAbsent(w.key(), k -> new LinkedHashMap<>()).put(w.field(), w.value());
      expiry.merge(w.key(), w.expireAtEpochSeconds(), Math::max);
    }
    List<RedisFuture<?>> futures = new ArrayList<>(byKey.size() * 2);
    for (Map.Entry<String, Map<String, String>> e : byKey.entrySet()) {
      futures.add(redis.hset(e.getKey(), e.getValue()));
      futures.add(redis.expireat(e.getKey(), expiry.get(e.getKey())));
    }
    connection.flushCommands();
    try {
      if (LettuceFutures.awaitAll(timeout, futures.toArray(new RedisFuture<?>[0]))) {
        batchesWritten.increment();
        valuesWritten.increment(batch.size());
        answering = true;
        pending.written().accept(true);
        return;
      }
    } catch (RuntimeException e) {
      log.warn("redis batch failed error={}", e.getClass().getName());
    }
    fail(pending);
  }

  /**
   * SCAN for the prefix's keys and UNLINK them, page by page; reported written once every page
   * answered.
   */
  private void removeKeys(Batch pending) {
    String prefix = pending.writes().get(0).key();
    RedisAsyncCommands<String, String> redis = connected();
    if (redis != null) {
      try {
        ScanArgs match = ScanArgs.Builder.matches(globEscaped(prefix) + "*").limit(1000);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
          RedisFuture<KeyScanCursor<String>> scan = redis.scan(cursor, match);
          connection.flushCommands();
          KeyScanCursor<String> page = scan.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          if (!page.getKeys().isEmpty()) {
            RedisFuture<Long> unlink = redis.unlink(page.getKeys().toArray(new String[0]));
            connection.flushCommands();
            unlink.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          }
          cursor = page;
        } while (!cursor.isFinished());
        answering = true;
        pending.written().accept(true);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException | ExecutionException | TimeoutException e) {
        log.warn("redis erasure failed, asked again next tick error={}", e.getClass().getName());
      }
    }
    answering = false;
    pending.written().accept(false);
  }

  /** The prefix as a SCAN MATCH glob that matches it literally. */
  static String globEscaped(String prefix) {
    StringBuilder b = new StringBuilder(prefix.length() + 8);
    for (char c : prefix.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  private void fail(Batch pending) {
    batchesFailed.increment();
    valuesLost.increment(pending.writes().size());
    answering = false;
    pending.written().accept(false);
  }

  /**
   * The async API, connecting at most once per back-off period; null while Redis is unreachable.
   */
  private RedisAsyncCommands<String, String> connected() {
    if (connection != null) {
      return connection.async();
    }
    long now = System.nanoTime();
    if (now < nextConnectAttempt) {
      return null;
    }
    nextConnectAttempt = now + RECONNECT_BACKOFF.toNanos();
    try {
      connection = client.connect();
      connection.setAutoFlushCommands(false);
      log.info("redis metrics writer connected");
      return connection.async();
    } catch (RuntimeException e) {
      answering = false;
      log.warn(
          "redis unreachable, metric batches are retried once it answers error={}",
          e.getClass().getName());
      return null;
    }
  }

  /**
   * Writes what is queued (bounded by the timeout per batch), then closes the connection. What is
   * not written by then stays in the tasks' unwritten-values store for whoever runs them next.
   */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(timeout.toMillis() * 2 + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (connection != null) {
      connection.close();
    }
    client.shutdown(Duration.ZERO, timeout);
  }
}
