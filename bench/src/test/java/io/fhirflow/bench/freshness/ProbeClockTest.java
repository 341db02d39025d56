package io.fhirflow.bench.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProbeClockTest {

  @Test
  void aWallClockTimeLandsOnTheProbesOwnScale() throws InterruptedException {
    ProbeClock clock = new ProbeClock();
    Thread.sleep(300);

    long converted = clock.fromWallMs(System.currentTimeMillis());

    // Both clocks were read together at the start: they agree to the millisecond or so (an NTP
    // slew aside), where the probe's old field order put them 0.3-0.8 s apart.
    assertThat(converted - clock.nowMs()).isBetween(-50L, 50L);
    assertThat(converted).isGreaterThanOrEqualTo(250L);
  }
}
