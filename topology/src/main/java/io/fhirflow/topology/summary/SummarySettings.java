package io.fhirflow.topology.summary;

import io.fhirflow.mapping.SummaryCatalogue;
import java.time.Duration;

/**
 * The summaries branch's settings (docs/summaries.md).
 *
 * @param enabled whether the branch and its stores exist at all
 * @param catalogue which summaries to keep; null when disabled
 * @param grace how long after a period ends its first version goes out
 * @param emitInterval wall-clock interval at which pending summaries are emitted
 * @param retentionDays local days back that corrections reach (state kept)
 * @param maxPerTick at most this many summaries are computed per emit tick
 */
public record SummarySettings(
    boolean enabled,
    SummaryCatalogue catalogue,
    Duration grace,
    Duration emitInterval,
    int retentionDays,
    int maxPerTick) {

  public static SummarySettings disabled() {
    return new SummarySettings(false, null, Duration.ofHours(1), Duration.ofSeconds(10), 35, 2000);
  }
}
