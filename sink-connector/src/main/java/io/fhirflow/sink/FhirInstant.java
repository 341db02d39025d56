package io.fhirflow.sink;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/**
 * A FHIR instant or dateTime with a time → {@link Instant} truncated to microseconds (the column's
 * precision), judged exactly as {@code OffsetDateTime.parse(text)} judges it. The shape every FHIR
 * producer writes, {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm)}, is read by hand; any other
 * text goes to {@code OffsetDateTime.parse}. Why by hand: {@code DateTimeFormatter}'s general
 * parser was 15 % of the sink's task threads (three timestamps a record; BENCHMARKS.md, issue 19
 * item 2), and the fast RFC 3339 parsers (e.g. ethlo's ITU) accept a different set of texts than
 * the JDK, which would change which records the sink rejects. {@code FhirInstantTest} compares both
 * on generated valid and invalid texts.
 */
final class FhirInstant {

  private static final int SHORTEST = "yyyy-MM-ddTHH:mm:ssZ".length();

  private FhirInstant() {}

  /**
   * @throws DateTimeException when {@code OffsetDateTime.parse} would throw
   */
  static Instant parse(String text) {
    Instant fast = common(text);
    return fast != null
        ? fast
        : OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MICROS);
  }

  /** The instant of a text of the common shape with in-range fields, else null. */
  private static Instant common(String t) {
    int n = t.length();
    if (n < SHORTEST
        || t.charAt(4) != '-'
        || t.charAt(7) != '-'
        || t.charAt(10) != 'T'
        || t.charAt(13) != ':'
        || t.charAt(16) != ':') {
      return null;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    int second = digits(t, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
      return null;
    }
    if (second < 0 || second > 59) {
      return null;
    }
    int at = 19;
    int nanos = 0;
    if (t.charAt(at) == '.') {
      int start = ++at;
      while (at < n && at - start < 9 && isDigit(t.charAt(at))) {
        nanos = nanos * 10 + (t.charAt(at) - '0');
        at++;
      }
      int width = at - start;
      if (width == 0 || (at < n && isDigit(t.charAt(at)))) {
        return null;
      }
      for (int i = width; i < 9; i++) {
        nanos *= 10;
      }
    }
    int offsetSeconds;
    if (at == n - 1 && t.charAt(at) == 'Z') {
      offsetSeconds = 0;
    } else if (at == n - 6
        && (t.charAt(at) == '+' || t.charAt(at) == '-')
        && t.charAt(at + 3) == ':') {
      int oh = digits(t, at + 1, 2);
      int om = digits(t, at + 4, 2);
      if (oh < 0 || om < 0 || om > 59 || oh > 18 || (oh == 18 && om > 0)) {
        return null;
      }
      offsetSeconds = (t.charAt(at) == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    } else {
      return null;
    }
    // LocalDate.of throws DateTimeException for a day the month does not have, as the parse does.
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    long seconds = epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
    return Instant.ofEpochSecond(seconds, nanos - nanos % 1000);
  }

  /** The value of {@code count} ASCII digits at {@code from}, or -1. */
  private static int digits(String t, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = t.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
