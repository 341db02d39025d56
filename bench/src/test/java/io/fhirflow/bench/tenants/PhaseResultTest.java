package io.fhirflow.bench.tenants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhaseResultTest {

  /** Samples sent 1 s apart; the i-th (from 1) took i ms, the last {@code notSeen} never came. */
  private static PhaseResult phase(int samples, int notSeen) {
    List<PhaseResult.Sample> steady = new ArrayList<>();
    for (int i = 1; i <= samples; i++) {
      long latency = i > samples - notSeen ? PhaseResult.NOT_SEEN : i;
      steady.add(new PhaseResult.Sample(i * 1000L, latency));
    }
    return new PhaseResult("phase", steady, Flood.Stats.NONE, Double.NaN);
  }

  @Test
  void percentilesAreNearestRankOverEverySampleSent() {
    PhaseResult phase = phase(1000, 0);

    assertThat(phase.percentile(0.50)).isEqualTo(500);
    assertThat(phase.percentile(0.99)).isEqualTo(990);
    assertThat(phase(0, 0).percentile(0.99)).isEqualTo(-1);
  }

  @Test
  void samplesNeverSeenCountAsLaterThanAnySeen() {
    assertThat(phase(1000, 10).percentile(0.99)).isEqualTo(990);
    assertThat(phase(1000, 11).percentile(0.99)).isEqualTo(PhaseResult.NOT_SEEN);
    assertThat(phase(1000, 11).notSeen()).isEqualTo(11);
    assertThat(phase(1000, 11).seenLatencies()).hasSize(989);
    assertThat(phase(1000, 11).p99Ratio(phase(1000, 0))).isInfinite();
  }

  @Test
  void theRatioIsThisPhasesP99OverTheQuietOnes() {
    PhaseResult quiet = phase(100, 0);
    List<PhaseResult.Sample> slower =
        quiet.steady().stream()
            .map(s -> new PhaseResult.Sample(s.sentMs(), s.latencyMs() * 3))
            .toList();

    assertThat(new PhaseResult("flood", slower, Flood.Stats.NONE, 1).p99Ratio(quiet))
        .isEqualTo(3.0);
  }

  @Test
  void afterLeavesOutTheSamplesSentInThePhasesFirstMilliseconds() {
    PhaseResult later = phase(100, 0).after(51_000);

    assertThat(later.steady()).hasSize(50);
    assertThat(later.percentile(0.50)).isEqualTo(75);
  }

  @Test
  void theTableHasARowPerPhaseWithItsRatioAndTheFloodsRates() {
    Flood.Stats flood = new Flood.Stats(200_000, 10, 13_000_000, 1011, 2_500);
    String table =
        PhaseResult.table(
            List.of(phase(100, 0), new PhaseResult("2. flood", phase(100, 2).steady(), flood, 1)),
            15);

    assertThat(table.lines())
        .hasSize(4)
        .contains(
            "| phase | 100 (0) | 50 ms | 99 ms | 1.00 | - | - | - | - | - |",
            "| 2. flood | 100 (2) | 50 ms | not seen | Infinity | 200,000 | 20,000/s | 2,500/s |"
                + " 1,300,000 | 1011 ms |");
  }

  @Test
  void theQuotaIsAShareOfTheCapacityInBytesOnTheWire() {
    assertThat(FairnessBenchmark.quotaFor(5_000, 66.4, 0.5)).isEqualTo(166_000);
    assertThatThrownBy(() -> FairnessBenchmark.quotaFor(Double.NaN, 66.4, 0.5))
        .hasMessageContaining("--producer-byte-rate");
  }

  @Test
  void theTimelineHasARowPerStepAndAColumnPerPhase() {
    String timeline = PhaseResult.timeline(List.of(phase(9, 0), phase(9, 1)), 10, 5);

    assertThat(timeline.lines())
        .containsExactly(
            "| B's samples sent at | phase | phase |",
            "|---|---:|---:|",
            "| 0-5 s | 4 ms | 4 ms |",
            "| 5-10 s | 9 ms | not seen |");
  }
}
