package io.fhirflow.topology.summary;

import io.fhirflow.mapping.SummaryPeriod;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * The period of a value and its bounds in the value's zone, remembered for the next values of the
 * same local period: a sync batch brings one user's samples, minutes apart, so most points of a
 * task fall into the hour and day of the point before them.
 *
 * <p>Why: working them out with {@code java.time} (zone lookup, truncation, start of day, a {@link
 * ZonedDateTime} per bound) for each point and summary was a third of the summaries' per-sample
 * work in the topology benchmark (BENCHMARKS.md, "Summaries on vs off"). Here a point costs one
 * offset lookup and, when its local period was seen last, no {@code java.time} object.
 *
 * <p>Why a hit is exact: {@link SummaryPeriod}'s key, start and end depend only on the zone, the
 * value's offset in it and its local hour (hour), local date (day) or local date six hours later
 * (night); a remembered entry is reused only when all three are equal.
 */
final class PeriodBounds {

  /** Entries per period kind; a task's interleaved users of different zones share the slots. */
  private static final int SLOTS = 64;

  private static final long HOUR = 3_600L;
  private static final long DAY = 86_400L;
  private static final long NIGHT_SHIFT = 6 * HOUR;

  /**
   * One value's period.
   *
   * @param key the period key ({@link SummaryPeriod#key})
   * @param lastDay {@link SummaryPeriod#lastLocalDate} as an epoch day
   * @param startEpoch where it starts (epoch second), at offset {@code startOffset} seconds
   * @param endEpoch where it ends, at offset {@code endOffset} seconds
   */
  record Bounds(
      long key, long lastDay, long startEpoch, int startOffset, long endEpoch, int endOffset) {}

  private record Slot(ZoneId zone, int offset, long local, Bounds bounds) {}

  private final Slot[][] slots = new Slot[SummaryPeriod.values().length][SLOTS];

  /** The period of {@code kind} of a value at {@code time} in {@code zone}. */
  Bounds of(SummaryPeriod kind, Instant time, ZoneId zone) {
    ZoneOffset offset = zone instanceof ZoneOffset fixed ? fixed : zone.getRules().getOffset(time);
    int seconds = offset.getTotalSeconds();
    long localSecond = time.getEpochSecond() + seconds;
    long local =
        switch (kind) {
          case HOUR -> Math.floorDiv(localSecond, HOUR);
          case DAY -> Math.floorDiv(localSecond, DAY);
          case NIGHT -> Math.floorDiv(localSecond + NIGHT_SHIFT, DAY);
        };
    Slot[] row = slots[kind.ordinal()];
    int i = (int) ((zone.hashCode() * 31L + seconds) * 31L + local) & (SLOTS - 1);
    Slot s = row[i];
    if (s != null && s.local == local && s.offset == seconds && s.zone.equals(zone)) {
      return s.bounds;
    }
    Bounds b = compute(kind, time, zone);
    row[i] = new Slot(zone, seconds, local, b);
    return b;
  }

  /** The period as {@link SummaryPeriod} defines it. */
  static Bounds compute(SummaryPeriod kind, Instant time, ZoneId zone) {
    long key = kind.key(time, zone);
    ZonedDateTime start = kind.start(time, zone);
    ZonedDateTime end = kind.end(time, zone);
    return new Bounds(
        key,
        kind.lastLocalDate(key).toEpochDay(),
        start.toEpochSecond(),
        start.getOffset().getTotalSeconds(),
        end.toEpochSecond(),
        end.getOffset().getTotalSeconds());
  }
}
