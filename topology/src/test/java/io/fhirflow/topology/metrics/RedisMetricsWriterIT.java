package io.fhirflow.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fhirflow.testkit.LocalServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RedisMetricsWriterIT {

  private final String prefix = "fhirflow:it-" + UUID.randomUUID().toString().substring(0, 8) + ":";

  @Test
  void writesAbsoluteValuesWithTheirExpiryAndRewritingThemChangesNothing() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    long expireAt = Instant.now().plus(Duration.ofDays(2)).getEpochSecond();
    List<RedisWrite> batch =
        List.of(
            new RedisWrite(prefix + "k", "steps", "{\"sum\":10}", expireAt),
            new RedisWrite(prefix + "k", "heart_rate", "{\"min\":60}", expireAt));
    try (RedisMetricsWriter writer =
            new RedisMetricsWriter(LocalServices.redisUrl(), 4, Duration.ofSeconds(2), registry);
        RedisClient client = RedisClient.create(LocalServices.redisUrl());
        StatefulRedisConnection<String, String> redis = client.connect()) {
      AtomicInteger written = new AtomicInteger();
      writer.publish(batch, ok -> written.addAndGet(ok ? 1 : 1000));
      writer.publish(batch, ok -> written.addAndGet(ok ? 1 : 1000));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> registry.counter("fhirflow.redis.batches", "outcome", "written").count() == 2);
      await().atMost(Duration.ofSeconds(5)).until(() -> written.get() == 2);

      assertThat(redis.sync().hgetall(prefix + "k"))
          .containsEntry("steps", "{\"sum\":10}")
          .containsEntry("heart_rate", "{\"min\":60}")
          .hasSize(2);
      assertThat(redis.sync().ttl(prefix + "k"))
          .isBetween(Duration.ofDays(2).toSeconds() - 60, Duration.ofDays(2).toSeconds());
      redis.sync().del(prefix + "k");
    }
  }

  @Test
  void neverBlocksThePublisherWhenRedisIsUnreachableAndReportsEveryBatchNotWritten() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<RedisWrite> batch =
        List.of(new RedisWrite(prefix + "k", "steps", "1", Instant.now().getEpochSecond() + 60));
    try (RedisMetricsWriter writer =
        new RedisMetricsWriter("redis://127.0.0.1:1", 2, Duration.ofMillis(200), registry)) {
      AtomicInteger notWritten = new AtomicInteger();
      long start = System.nanoTime();
      for (int i = 0; i < 1000; i++) {
        writer.publish(batch, ok -> notWritten.addAndGet(ok ? 1_000_000 : 1));
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> registry.counter("fhirflow.redis.values", "outcome", "lost").count() == 1000);
      await().atMost(Duration.ofSeconds(5)).until(() -> notWritten.get() == 1000);
      assertThat(registry.counter("fhirflow.redis.batches", "outcome", "dropped").count())
          .isPositive();
      // Retries wait until Redis answers again.
      assertThat(writer.hasRoom()).isFalse();
    }
  }
}
