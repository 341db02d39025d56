package io.fhirflow.topology;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The Redis key layout (documented for readers in docs/redis-metrics.md):
 * {@code <prefix>patient:<patientId>:latest} and {@code <prefix>patient:<patientId>:day:<yyyy-MM-dd>},
 * both hashes with one field per metric.
 */
public final class RedisKeys {

  private final String prefix;

  public RedisKeys(String prefix) {
    this.prefix = prefix;
  }

  public String latest(String patientId) {
    return prefix + "patient:" + patientId + ":latest";
  }

  public String day(String patientId, LocalDate day) {
    return prefix + "patient:" + patientId + ":day:" + day;
  }

  /** A day's hash lives until {@code retentionDays} after the day ended (UTC), wherever it was written from. */
  long dayExpiry(long epochDay, int retentionDays) {
    return (epochDay + 1 + retentionDays) * 86_400L;
  }

  /** The latest-values hash lives {@code retentionDays} after its last write. */
  long latestExpiry(Instant now, int retentionDays) {
    return now.plus(Duration.ofDays(retentionDays)).getEpochSecond();
  }
}
