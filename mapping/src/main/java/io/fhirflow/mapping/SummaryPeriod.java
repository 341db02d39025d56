package io.fhirflow.mapping;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * The period a summary covers, in the patient's local time taken from each value's own zone
 * (docs/summaries.md "Periods"). A period is identified by a {@code long} key: the local date's
 * epoch day for a day or a night, the epoch second at which the local hour starts for an hour (so
 * the hour repeated when clocks go back is two periods).
 */
public enum SummaryPeriod {
  /** The local clock hour that contains the value. */
  HOUR("hourly") {
    @Override
    public long key(Instant time, ZoneId zone) {
      return time.atZone(zone).truncatedTo(ChronoUnit.HOURS).toEpochSecond();
    }

    @Override
    public ZonedDateTime start(Instant time, ZoneId zone) {
      return time.atZone(zone).truncatedTo(ChronoUnit.HOURS);
    }

    @Override
    public ZonedDateTime end(Instant time, ZoneId zone) {
      return start(time, zone).plusHours(1);
    }

    @Override
    public String label(long key) {
      return Instant.ofEpochSecond(key).toString();
    }

    @Override
    public LocalDate lastLocalDate(long key) {
      return LocalDate.ofEpochDay(Math.floorDiv(key, 86_400L) + 1);
    }
  },
  /** The local date of the value. */
  DAY("daily") {
    @Override
    public long key(Instant time, ZoneId zone) {
      return time.atZone(zone).toLocalDate().toEpochDay();
    }

    @Override
    public ZonedDateTime start(Instant time, ZoneId zone) {
      return time.atZone(zone).toLocalDate().atStartOfDay(zone);
    }

    @Override
    public ZonedDateTime end(Instant time, ZoneId zone) {
      return time.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone);
    }
  },
  /**
   * Night D: 18:00 local on D-1 to 18:00 local on D (the night ending on the morning of D, and naps
   * on D).
   */
  NIGHT("nightly") {
    @Override
    public long key(Instant time, ZoneId zone) {
      return nightOf(time, zone).toEpochDay();
    }

    @Override
    public ZonedDateTime start(Instant time, ZoneId zone) {
      return nightOf(time, zone).minusDays(1).atTime(NIGHT_BOUNDARY).atZone(zone);
    }

    @Override
    public ZonedDateTime end(Instant time, ZoneId zone) {
      return nightOf(time, zone).atTime(NIGHT_BOUNDARY).atZone(zone);
    }
  };

  private static final LocalTime NIGHT_BOUNDARY = LocalTime.of(18, 0);

  private final String categoryCode;

  SummaryPeriod(String categoryCode) {
    this.categoryCode = categoryCode;
  }

  private static LocalDate nightOf(Instant time, ZoneId zone) {
    // 18:00 + 6 h is the next midnight: a value from 18:00 on belongs to the next date's night.
    return time.atZone(zone).toLocalDateTime().plusHours(6).toLocalDate();
  }

  /** The period's key for a value measured at {@code time} in {@code zone}. */
  public abstract long key(Instant time, ZoneId zone);

  /** Where the period of such a value starts, in the value's zone. */
  public abstract ZonedDateTime start(Instant time, ZoneId zone);

  /** Where it ends (exclusive), in the value's zone. */
  public abstract ZonedDateTime end(Instant time, ZoneId zone);

  /**
   * The period in ids and identifiers: the date ({@code 2026-03-14}) or the hour's start instant.
   */
  public String label(long key) {
    return LocalDate.ofEpochDay(key).toString();
  }

  /**
   * The latest local date the period can touch in any zone: what the correction horizon compares.
   */
  public LocalDate lastLocalDate(long key) {
    return LocalDate.ofEpochDay(key);
  }

  /** The summary category code ({@code hourly}, {@code daily}, {@code nightly}). */
  public String categoryCode() {
    return categoryCode;
  }

  static SummaryPeriod parse(String text) {
    return valueOf(text.toUpperCase(java.util.Locale.ROOT));
  }
}
