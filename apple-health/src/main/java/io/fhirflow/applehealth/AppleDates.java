package io.fhirflow.applehealth;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * The date formats of Health exports: {@code 2019-05-14 19:05:29 -0400} (iOS 9 and later) and the
 * compact {@code 20150616044344+0100} (iOS 8 and CDA). Both carry the exporting phone's offset, not
 * the measurement's, so callers keep the instant and prefer HKTimeZone for local time.
 */
final class AppleDates {

  private static final DateTimeFormatter MODERN =
      new DateTimeFormatterBuilder()
          .appendValue(ChronoField.YEAR, 4)
          .appendLiteral('-')
          .appendValue(ChronoField.MONTH_OF_YEAR, 2)
          .appendLiteral('-')
          .appendValue(ChronoField.DAY_OF_MONTH, 2)
          .appendLiteral(' ')
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .appendOffset("+HHMM", "+0000")
          .toFormatter();

  private static final DateTimeFormatter COMPACT =
      new DateTimeFormatterBuilder()
          .appendValue(ChronoField.YEAR, 4)
          .appendValue(ChronoField.MONTH_OF_YEAR, 2)
          .appendValue(ChronoField.DAY_OF_MONTH, 2)
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .appendOffset("+HHMM", "+0000")
          .toFormatter();

  private AppleDates() {}

  /**
   * Parses either export format (an ISO-8601 offset date-time is accepted too).
   *
   * @throws DateTimeParseException if the text is in none of them
   */
  static OffsetDateTime parse(String text) {
    String s = text.trim();
    if (s.length() >= 5 && s.charAt(4) == '-') {
      if (s.length() > 10 && s.charAt(10) == 'T') {
        return OffsetDateTime.parse(s);
      }
      return OffsetDateTime.parse(s, MODERN);
    }
    return OffsetDateTime.parse(s, COMPACT);
  }
}
