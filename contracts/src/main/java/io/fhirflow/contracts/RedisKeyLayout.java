package io.fhirflow.contracts;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The Redis key layout the topology writes and the API reads (docs/redis-metrics.md): {@code
 * <prefix>patient:<patientId>:latest} and {@code <prefix>patient:<patientId>:day:<yyyy-MM-dd>},
 * both hashes with one field per metric.
 */
public final class RedisKeyLayout {

  /** The prefix both processes use unless configured otherwise. */
  public static final String DEFAULT_PREFIX = "fhirflow:";

  private final String prefix;

  public RedisKeyLayout(String prefix) {
    this.prefix = prefix;
  }

  public String latest(String patientId) {
    return patientBase(patientId) + "latest";
  }

  public String day(String patientId, LocalDate day) {
    return patientBase(patientId) + "day:" + day;
  }

  /**
   * The part every key of one patient starts with (a SCAN MATCH pattern is this plus {@code *}).
   */
  public String patientBase(String patientId) {
    return prefix + "patient:" + patientId + ":";
  }

  /**
   * A marker one metrics writer keeps (with an expiry it refreshes): when it is gone while the
   * writer runs, Redis lost data (FLUSHALL, a restart without persistence, a failover to an empty
   * replica) and the writer asks for the view to be rewritten from the topology's state.
   */
  public String writerMarker(String writerId) {
    return prefix + "writer:" + writerId;
  }

  /**
   * A day's hash lives until {@code retentionDays} after the day ended (UTC), wherever it was
   * written from.
   */
  public long dayExpiry(long epochDay, int retentionDays) {
    return (epochDay + 1 + retentionDays) * 86_400L;
  }

  /** The latest-values hash lives {@code retentionDays} after its last write. */
  public long latestExpiry(Instant now, int retentionDays) {
    return now.plus(Duration.ofDays(retentionDays)).getEpochSecond();
  }
}
