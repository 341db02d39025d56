package io.fhirflow.topology.metrics;

/**
 * One absolute value for Redis: {@code HSET key field value} then {@code EXPIREAT key
 * expireAtEpochSeconds}. Writing it twice gives the same state, so replays cannot double count.
 */
public record RedisWrite(String key, String field, String value, long expireAtEpochSeconds) {

  /**
   * Not a write: remove every key starting with {@code keyPrefix} (a person's erasure), published
   * alone as a batch of one, so it is written after every batch published before it and reported
   * like any batch.
   */
  static RedisWrite erasure(String keyPrefix) {
    return new RedisWrite(keyPrefix, null, null, 0);
  }

  public boolean isErasure() {
    return field == null;
  }
}
