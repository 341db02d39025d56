package io.fhirflow.topology;

/**
 * One absolute value for Redis: {@code HSET key field value} then {@code EXPIREAT key
 * expireAtEpochSeconds}. Writing it twice gives the same state, so replays cannot double count.
 */
public record RedisWrite(String key, String field, String value, long expireAtEpochSeconds) {}
