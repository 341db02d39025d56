package io.fhirflow.bench.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The bookkeeping behind the paired topology benchmark's "A / B" figure (BENCHMARKS.md). */
class MeasuredSlicesTest {

  @Test
  void slicesStartingBeforeTheWarmUpIsDoneOrProcessingNothingAreNotCounted() {
    MeasuredSlices side = new MeasuredSlices(1_000);

    assertThat(side.add(0, 600, Map.of("stream", 6_000.0))).isFalse();
    // Starts below the warm-up and ends past it: still warm-up (it absorbed the first rebalance).
    assertThat(side.add(600, 900, Map.of("stream", 9_000.0))).isFalse();
    assertThat(side.add(1_500, 0, Map.of("stream", 50.0))).isFalse();
    assertThat(side.samples()).isZero();
    assertThat(side.perSlice()).isEmpty();
    assertThat(side.microsPerSample()).isNaN();
    assertThat(side.perSampleByGroup()).isEmpty();

    assertThat(side.add(1_000, 200, Map.of("stream", 2_000.0))).isTrue();
    assertThat(side.samples()).isEqualTo(200);
    assertThat(side.microsPerSample()).isEqualTo(10.0);
  }

  @Test
  void aSidesFigureIsAllItsCountedCpuOverAllItsCountedSamplesWithEachGroupSummed() {
    MeasuredSlices side = new MeasuredSlices(0);
    side.add(0, 10, Map.of("stream", 100.0, "broker", 100.0));
    side.add(10, 30, Map.of("stream", 250.0, "gc", 50.0));

    assertThat(side.samples()).isEqualTo(40);
    assertThat(side.perSlice()).containsExactly(20.0, 10.0);
    // 500 us over 40 samples, not the mean of the slices' 20 and 10.
    assertThat(side.microsPerSample()).isEqualTo(12.5);
    assertThat(side.perSampleByGroup())
        .containsExactly(
            Map.entry("stream", 350.0 / 40),
            Map.entry("broker", 100.0 / 40),
            Map.entry("gc", 50.0 / 40));
  }

  @Test
  void theRatioIsASideOverBSideCpuPerSample() {
    MeasuredSlices a = new MeasuredSlices(0);
    a.add(0, 10, Map.of("stream", 200.0));
    a.add(10, 30, Map.of("stream", 300.0));
    MeasuredSlices b = new MeasuredSlices(0);
    b.add(0, 50, Map.of("stream", 400.0, "broker", 100.0));

    assertThat(a.ratioTo(b)).isCloseTo(1.25, within(1e-12));
    assertThat(b.ratioTo(a)).isCloseTo(0.8, within(1e-12));
  }

  @Test
  void sidesTakeTurnsABBAUntilOneIsDoneThenTheOtherHasEverySlot() {
    assertThat(IntStream.range(0, 8).map(slot -> PairedTopologyBenchmark.turn(slot, s -> false)))
        .containsExactly(0, 1, 1, 0, 0, 1, 1, 0);
    assertThat(IntStream.range(0, 8).map(slot -> PairedTopologyBenchmark.turn(slot, s -> s == 0)))
        .containsOnly(1);
    assertThat(IntStream.range(0, 8).map(slot -> PairedTopologyBenchmark.turn(slot, s -> s == 1)))
        .containsOnly(0);
  }

  @Test
  void theRatiosStandardErrorAddsBothSidesRelativeErrorsInQuadrature() {
    MeasuredSlices a = slicesOf100Samples(90, 110);
    MeasuredSlices b = slicesOf100Samples(70, 90, 80);

    // A: slices 90 and 110, sd 14.142, mean 100: 14.142 / sqrt(2) / 100 = 0.1.
    assertThat(a.relativeStandardError()).isCloseTo(0.1, within(1e-9));
    // B: slices 70, 90, 80, sd 10, mean 80: 10 / sqrt(3) / 80.
    assertThat(b.relativeStandardError()).isCloseTo(10 / Math.sqrt(3) / 80, within(1e-9));
    double ratio = 100.0 / 80.0;
    assertThat(a.ratioTo(b)).isCloseTo(ratio, within(1e-9));
    assertThat(a.ratioStandardError(b))
        .isCloseTo(ratio * Math.sqrt(0.01 + Math.pow(10 / Math.sqrt(3) / 80, 2)), within(1e-9));
  }

  @Test
  void oneSliceGivesNoSpreadToJudgeBy() {
    MeasuredSlices a = slicesOf100Samples(90);

    assertThat(a.relativeStandardError()).isNaN();
    assertThat(a.ratioStandardError(a)).isNaN();
  }

  /** A side with one counted slice of 100 samples per figure, each at that many µs a sample. */
  private static MeasuredSlices slicesOf100Samples(double... microsPerSample) {
    MeasuredSlices side = new MeasuredSlices(0);
    for (int i = 0; i < microsPerSample.length; i++) {
      side.add(100L * i, 100, Map.of("stream", 100 * microsPerSample[i]));
    }
    return side;
  }
}
