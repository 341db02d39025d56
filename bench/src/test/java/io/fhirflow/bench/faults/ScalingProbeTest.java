package io.fhirflow.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScalingProbeTest {

  @Test
  void theRateIsTheBacklogsMiddleEightyPercentOverTheTimeItTook() {
    // 1,000 records: nothing for 20 s (startup), then 100/s from t=20 s to t=30 s.
    List<long[]> samples =
        List.of(
            new long[] {0, 0},
            new long[] {20_000, 0},
            new long[] {25_000, 500},
            new long[] {30_000, 1000});

    String line = ScalingProbe.result("g", 1000, samples);

    // 10 % at 21 s, 90 % at 29 s: 800 records in 8 s; 50 % at 25 s: 400 records in 4 s.
    assertThat(line).isEqualTo("g\t1000\t8.0\t100.0\t4.0\t100.0");
  }

  @Test
  void theWarmWindowLeavesOutASlowStart() {
    // 1,000 records: 50/s from t=0 to t=10 s (a JVM compiling), then 250/s to t=12 s.
    List<long[]> samples =
        List.of(new long[] {0, 0}, new long[] {10_000, 500}, new long[] {12_000, 1000});

    String line = ScalingProbe.result("g", 1000, samples);

    // 10 % at 2 s, 90 % at 11.6 s: 83.3/s; 50 % at 10 s: 400 records in 1.6 s, 250/s.
    assertThat(line).isEqualTo("g\t1000\t9.6\t83.3\t1.6\t250.0");
  }

  @Test
  void aPhaseThatNeverReachedNinetyPercentHasNoRate() {
    assertThat(ScalingProbe.result("g", 1000, List.of(new long[] {0, 0}, new long[] {1000, 500})))
        .endsWith("\tNaN\tNaN\tNaN\tNaN");
  }
}
