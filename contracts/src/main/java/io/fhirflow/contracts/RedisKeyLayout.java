package io.fhirflow.contracts;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The Redis key layout the topology writes and the API reads (docs/redis-metrics.md): {@code
 * <base>latest} and {@code <base>day:<yyyy-MM-dd>}, both hashes with one field per metric, where
 * the base of a patient of the {@linkplain Tenants#DEFAULT default tenant} is {@code
 * <prefix>patient:<patientId>:} and that of a patient of any other tenant {@code
 * <prefix>tenant:<tenant>:patient:<patientId>:}.
 *
 * <p>Every key names its tenant, so a reader that builds its keys from its token's tenant cannot
 * read another tenant's view, whatever patient id it is asked for (docs/tenants.md). The default
 * tenant keeps the keys from before tenants: a deployment that adds tenants keeps its view, its
 * readers and its erasures without a rewrite of Redis, and its keys cannot be another tenant's,
 * whose keys all have the literal {@code tenant:} segment where the default's have {@code
 * patient:}.
 */
public final class RedisKeyLayout {

  /** The prefix both processes use unless configured otherwise. */
  public static final String DEFAULT_PREFIX = "fhirflow:";

  private final String prefix;

  public RedisKeyLayout(String prefix) {
    this.prefix = prefix;
  }

  public String latest(String tenant, String patientId) {
    return patientBase(tenant, patientId) + "latest";
  }

  public String day(String tenant, String patientId, LocalDate day) {
    return patientBase(tenant, patientId) + "day:" + day;
  }

  /**
   * The part every key of one patient of {@code tenant} starts with (a SCAN MATCH pattern is this
   * plus {@code *}).
   *
   * @throws IllegalArgumentException when {@code tenant} is not a tenant name
   */
  public String patientBase(String tenant, String patientId) {
    return Tenants.DEFAULT.equals(tenant)
        ? prefix + "patient:" + patientId + ":"
        : prefix + "tenant:" + Tenants.requireValid(tenant) + ":patient:" + patientId + ":";
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
