package io.fhirflow.topology.summary;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.mapping.SummaryPeriod;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The remembered periods equal {@link SummaryPeriod}'s own arithmetic for every value, whatever
 * came before it: across DST changes (whole-hour and Lord Howe's half hour), in fixed offsets, in
 * zones with sub-hour offsets, for values in order (a sync batch) and shuffled among zones.
 */
class PeriodBoundsTest {

  private static final List<ZoneId> ZONES =
      List.of(
          ZoneId.of("Europe/Paris"),
          ZoneId.of("America/New_York"),
          ZoneId.of("America/Los_Angeles"),
          ZoneId.of("Australia/Lord_Howe"),
          ZoneId.of("Asia/Kolkata"),
          ZoneId.of("Asia/Kathmandu"),
          ZoneId.of("Pacific/Apia"),
          ZoneOffset.UTC,
          ZoneOffset.ofHoursMinutes(-9, -30),
          ZoneOffset.ofHours(14));

  @Test
  void everyValueGetsThePeriodSummaryPeriodComputes() {
    PeriodBounds periods = new PeriodBounds();
    Random random = new Random(17);
    // Minutes apart through both 2026 DST changes of the northern and the southern zones, then
    // anywhere in the year, in zones taken at random.
    long[] starts = {
      Instant.parse("2026-03-28T12:00:00Z").getEpochSecond(),
      Instant.parse("2026-04-04T10:00:00Z").getEpochSecond(),
      Instant.parse("2026-10-03T10:00:00Z").getEpochSecond(),
      Instant.parse("2026-10-24T12:00:00Z").getEpochSecond(),
      Instant.parse("2026-10-31T12:00:00Z").getEpochSecond()
    };
    int checked = 0;
    for (long from : starts) {
      for (ZoneId zone : ZONES) {
        for (long t = from; t < from + 3 * 86_400L; t += 60 + random.nextInt(600)) {
          checked += check(periods, Instant.ofEpochSecond(t), zone);
        }
      }
    }
    long year = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 50_000; i++) {
      Instant t = Instant.ofEpochSecond(year + random.nextLong(366 * 86_400L), random.nextInt());
      checked += check(periods, t, ZONES.get(random.nextInt(ZONES.size())));
    }
    assertThat(checked).isGreaterThan(100_000);
  }

  private static int check(PeriodBounds periods, Instant t, ZoneId zone) {
    for (SummaryPeriod kind : SummaryPeriod.values()) {
      assertThat(periods.of(kind, t, zone))
          .as("%s at %s in %s", kind, t, zone)
          .isEqualTo(PeriodBounds.compute(kind, t, zone));
    }
    return SummaryPeriod.values().length;
  }
}
