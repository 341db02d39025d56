package io.fhirflow.mapping;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * FHIR dateTime and instant text from java.time, character for character what HAPI's {@code
 * DateTimeType}/{@code InstantType} write for the same instant, precision and {@code
 * TimeZone.getTimeZone(offset)}: {@code yyyy-MM-ddTHH:mm:ss[.SSS]±hh:mm}, {@code +00:00} rather
 * than {@code Z}. HAPI builds a {@code GregorianCalendar} per date and formats through it (19 % of
 * the mapper's CPU in the issue-19 profile); this does the same arithmetic on the epoch millis
 * without allocating anything but the result. Two of the calendar's behaviours are reproduced on
 * purpose, because the output must stay byte-identical: local dates before 1582-10-15 are written
 * in the Julian calendar (GregorianCalendar's default cutover), and an offset that is not a whole
 * minute (an IANA zone's local mean time before 1900, say) is written as UTC, because {@code
 * TimeZone.getTimeZone} does not understand such an offset and falls back to GMT. FhirDateTimesTest
 * compares both with HAPI.
 */
final class FhirDateTimes {
  private static final long MILLIS_PER_DAY = 86_400_000L;

  /** Local epoch day of 1582-10-15, GregorianCalendar's default first Gregorian day. */
  private static final long GREGORIAN_CUTOVER_DAY = LocalDate.of(1582, 10, 15).toEpochDay();

  /** Julian day number of 1970-01-01. */
  private static final long EPOCH_JULIAN_DAY = 2_440_588L;

  private FhirDateTimes() {}

  /**
   * A dateTime in the given offset: seconds precision when the instant has no milliseconds, else
   * milliseconds (a DateTimeType of precision SECOND or MILLI).
   */
  static String dateTime(Instant instant, ZoneOffset offset) {
    long millis = instant.toEpochMilli();
    return format(millis, offsetMillis(offset), Math.floorMod(millis, 1000L) != 0);
  }

  /** An instant in UTC with milliseconds, as meta.lastUpdated (an InstantType). */
  static String instant(Instant instant) {
    return format(instant.toEpochMilli(), 0, true);
  }

  /**
   * The offset HAPI's TimeZone holds for it: the offset itself when it is whole minutes, else GMT
   * (TimeZone.getTimeZone's answer to an id like {@code GMT+00:19:32}).
   */
  private static int offsetMillis(ZoneOffset offset) {
    int seconds = offset.getTotalSeconds();
    return seconds % 60 == 0 ? seconds * 1000 : 0;
  }

  private static String format(long epochMillis, int offsetMillis, boolean withMillis) {
    long local = epochMillis + offsetMillis;
    long day = Math.floorDiv(local, MILLIS_PER_DAY);
    int millisOfDay = (int) Math.floorMod(local, MILLIS_PER_DAY);
    int year;
    int month;
    int dayOfMonth;
    if (day >= GREGORIAN_CUTOVER_DAY) {
      LocalDate date = LocalDate.ofEpochDay(day);
      year = date.getYear();
      month = date.getMonthValue();
      dayOfMonth = date.getDayOfMonth();
    } else {
      // Julian calendar from the Julian day number (E. G. Richards' algorithm, valid from 4713 BC).
      long c = day + EPOCH_JULIAN_DAY + 32_082;
      long d = (4 * c + 3) / 1461;
      long e = c - (1461 * d) / 4;
      long m = (5 * e + 2) / 153;
      dayOfMonth = (int) (e - (153 * m + 2) / 5 + 1);
      month = (int) (m + 3 - 12 * (m / 10));
      year = (int) (d - 4800 + m / 10);
    }
    if (year < 1 || year > 9999) {
      // StorableSample rejects such times before anything is mapped; this only guards the width.
      throw new IllegalArgumentException("year outside 0001-9999");
    }
    char[] out = new char[withMillis ? 29 : 25];
    int i = pad(out, 0, year, 4);
    out[i++] = '-';
    i = pad(out, i, month, 2);
    out[i++] = '-';
    i = pad(out, i, dayOfMonth, 2);
    out[i++] = 'T';
    i = pad(out, i, millisOfDay / 3_600_000, 2);
    out[i++] = ':';
    i = pad(out, i, millisOfDay / 60_000 % 60, 2);
    out[i++] = ':';
    i = pad(out, i, millisOfDay / 1000 % 60, 2);
    if (withMillis) {
      out[i++] = '.';
      i = pad(out, i, millisOfDay % 1000, 3);
    }
    int offset = offsetMillis;
    if (offset >= 0) {
      out[i++] = '+';
    } else {
      out[i++] = '-';
      offset = -offset;
    }
    i = pad(out, i, offset / 3_600_000, 2);
    out[i++] = ':';
    pad(out, i, offset % 3_600_000 / 60_000, 2);
    return new String(out);
  }

  /** Writes value with at least width digits (years are 1-9999 here, so never wider than 4). */
  private static int pad(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }
}
