package io.fhirflow.topology;

import io.fhirflow.topology.summary.SummarySettings;
import java.time.Duration;

/**
 * The tuning knobs {@link FhirFlowTopology#build} needs, separate from Kafka client settings.
 *
 * @param recordMaxBytes larger raw values are dead-lettered as OVERSIZED
 * @param dedupeRetention how long an id is remembered after it was last seen (ingest time)
 * @param sweepInterval wall-clock interval of the expiry sweeps
 * @param sweepMaxEntries entries one sweep examines per store
 * @param metricsEnabled whether the metrics branch exists at all
 * @param metricsDayRetentionDays local days kept in metric state and Redis
 * @param metricsFlushInterval wall-clock interval of Redis batches
 * @param redisKeyPrefix prefix of every Redis key
 * @param futureMargin how far after its ingest a sample's times may lie (clock skew) before it is
 *     rejected
 * @param sendMaxBytes the largest record (key, value, headers) the topology sends: the producer's
 *     max.request.size less headroom; larger output is rejected, larger dead letters truncated
 * @param summaries the summaries branch (docs/summaries.md)
 */
public record TopologySettings(
    int recordMaxBytes,
    Duration dedupeRetention,
    Duration sweepInterval,
    int sweepMaxEntries,
    boolean metricsEnabled,
    int metricsDayRetentionDays,
    Duration metricsFlushInterval,
    String redisKeyPrefix,
    Duration futureMargin,
    int sendMaxBytes,
    SummarySettings summaries) {

  public static TopologySettings defaults() {
    return new TopologyConfig(java.util.Map.of()).settings();
  }
}
