package io.fhirflow.bench.freshness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ApiPollScheduleTest {

  @Test
  void aYoungSampleIsPolledEvery100Ms() {
    assertEquals(1_100, ApiPollSchedule.nextPollMs(0, 1_000));
    assertEquals(2_100, ApiPollSchedule.nextPollMs(0, 2_000));
  }

  @Test
  void anOldSampleIsPolledEvery5PercentOfItsAge() {
    assertEquals(21_000, ApiPollSchedule.nextPollMs(0, 20_000));
    assertEquals(1_000 + 31_500, ApiPollSchedule.nextPollMs(1_000, 31_000));
  }

  /** Polls of an id that becomes visible after 30 s: ~300 at a fixed 100 ms, far fewer here. */
  @Test
  void anIdNotVisibleFor30SecondsCostsUnder100Polls() {
    int polls = 0;
    long now = 0;
    while (now < 30_000) {
      polls++;
      long next = ApiPollSchedule.nextPollMs(0, now);
      assertTrue(next - now <= Math.max(100, now / 20), "resolution 100 ms or 5 % of the age");
      now = next;
    }
    assertTrue(polls < 100, "polls " + polls);
  }
}
