package io.fhirflow.applehealth;

import io.fhirflow.schema.HkSeriesPoint;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The heart-rate variability record's {@code InstantaneousBeatsPerMinute} list. Its times are
 * locale-formatted times of day without a date ({@code 9:28:34.99 AM}), so each is placed on the
 * record's local start date in the record's offset, rolling over midnight when it goes backwards.
 */
final class HrvBeats {

  private static final DateTimeFormatter[] FORMATS = {
    new DateTimeFormatterBuilder()
        .parseCaseInsensitive()
        .appendPattern("h:mm:ss[.SSS][.SS][.S] a")
        .toFormatter(Locale.US),
    new DateTimeFormatterBuilder().appendPattern("H:mm:ss[.SSS][.SS][.S]").toFormatter(Locale.ROOT)
  };

  private HrvBeats() {}

  /**
   * The beats as series points, or null when a time cannot be read (the caller keeps the raw text).
   */
  static List<HkSeriesPoint> parse(XmlElement list, OffsetDateTime start) {
    List<HkSeriesPoint> points = new ArrayList<>();
    OffsetDateTime previous = start.minusMinutes(1);
    for (XmlElement beat : list.children("InstantaneousBeatsPerMinute").toList()) {
      LocalTime time = time(beat.attr("time"));
      String bpm = beat.attr("bpm");
      if (time == null || bpm == null) {
        return null;
      }
      OffsetDateTime at = start.with(time);
      while (at.isBefore(previous)) {
        at = at.plusDays(1);
      }
      previous = at;
      try {
        points.add(
            HkSeriesPoint.newBuilder()
                .setTime(at.toInstant())
                .setValue(Double.parseDouble(bpm.trim()))
                .setUnit("count/min")
                .build());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return points;
  }

  private static LocalTime time(String text) {
    if (text == null) {
      return null;
    }
    // Some locales put a no-break or narrow no-break space before AM/PM.
    String t = text.trim().replace('\u00a0', ' ').replace('\u202f', ' ');
    for (DateTimeFormatter f : FORMATS) {
      try {
        return LocalTime.parse(t, f);
      } catch (DateTimeParseException e) {
        // try the next format
      }
    }
    return null;
  }
}
