package io.fhirflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.SplittableRandom;
import java.util.TimeZone;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.InstantType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FhirDateTimes writes what HAPI's DateTimeType and InstantType wrote for the mapper before issue
 * 19 item 1 (a GregorianCalendar in {@code TimeZone.getTimeZone(offset)}, precision SECOND or
 * MILLI), for the edge cases by name and for a seeded sweep over the years the mapper accepts.
 */
class FhirDateTimesTest {
  /** What the old mapper built: SampleContext.dateTime before the change. */
  private static String hapiDateTime(Instant instant, ZoneOffset offset) {
    TemporalPrecisionEnum precision =
        instant.toEpochMilli() % 1000 == 0
            ? TemporalPrecisionEnum.SECOND
            : TemporalPrecisionEnum.MILLI;
    return new DateTimeType(Date.from(instant), precision, TimeZone.getTimeZone(offset))
        .getValueAsString();
  }

  private static String hapiInstant(Instant instant) {
    return new InstantType(
            Date.from(instant), TemporalPrecisionEnum.MILLI, TimeZone.getTimeZone(ZoneOffset.UTC))
        .getValueAsString();
  }

  static Stream<Arguments> edgeCases() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    ZoneId newYork = ZoneId.of("America/New_York");
    Instant springForward = Instant.parse("2026-03-29T01:00:00Z");
    Instant fallBack = Instant.parse("2026-11-01T06:00:00Z");
    return Stream.of(
        // DST: the last instant before and the first after each change, in the zone's offset.
        Arguments.of(
            "2026-03-29T00:59:59.999Z", berlin.getRules().getOffset(springForward.minusMillis(1))),
        Arguments.of(springForward.toString(), berlin.getRules().getOffset(springForward)),
        Arguments.of(
            "2026-11-01T05:59:59Z", newYork.getRules().getOffset(fallBack.minusSeconds(1))),
        Arguments.of(fallBack.toString(), newYork.getRules().getOffset(fallBack)),
        // The widest offsets the phones send, and the widest java.time allows.
        Arguments.of("2026-12-31T10:00:00Z", ZoneOffset.ofHours(14)),
        Arguments.of("2026-12-31T11:59:59.001Z", ZoneOffset.ofHours(-12)),
        Arguments.of("2026-01-01T00:00:00Z", ZoneOffset.ofHours(18)),
        Arguments.of("2026-01-01T00:00:00Z", ZoneOffset.ofHours(-18)),
        Arguments.of("2026-06-30T18:15:00Z", ZoneOffset.ofHoursMinutes(5, 45)),
        Arguments.of("2026-06-30T18:15:00Z", ZoneOffset.ofHoursMinutes(-9, -30)),
        Arguments.of("2026-06-30T18:15:00Z", ZoneOffset.UTC),
        // Milliseconds: none (seconds precision), one, 999, and a multiple of ten and hundred.
        Arguments.of("2026-11-20T07:30:00.000Z", ZoneOffset.ofHours(1)),
        Arguments.of("2026-11-20T07:30:00.001Z", ZoneOffset.ofHours(1)),
        Arguments.of("2026-11-20T07:30:59.999Z", ZoneOffset.ofHours(1)),
        Arguments.of("2026-11-20T07:30:00.010Z", ZoneOffset.ofHours(1)),
        Arguments.of("2026-11-20T07:30:00.100Z", ZoneOffset.ofHours(1)),
        // Leap years: Feb 29 of 2024 and 2000, the day after Feb 28 of 1900 and 2100.
        Arguments.of("2024-02-29T23:30:00Z", ZoneOffset.ofHours(1)),
        Arguments.of("2000-02-29T12:00:00Z", ZoneOffset.UTC),
        Arguments.of("1900-02-28T23:00:00Z", ZoneOffset.ofHours(2)),
        Arguments.of("2100-02-28T23:00:00Z", ZoneOffset.ofHours(2)),
        // Before the epoch, where floor and truncation differ.
        Arguments.of("1969-12-31T23:59:59.500Z", ZoneOffset.UTC),
        Arguments.of("1950-06-01T00:00:00.001Z", ZoneOffset.ofHours(-5)),
        // GregorianCalendar's cutover: Julian dates before 1582-10-15 local, in either offset.
        Arguments.of("1582-10-15T00:00:00Z", ZoneOffset.UTC),
        Arguments.of("1582-10-14T23:59:59.999Z", ZoneOffset.UTC),
        Arguments.of("1582-10-15T00:00:00Z", ZoneOffset.ofHours(-1)),
        Arguments.of("1582-10-14T23:00:00Z", ZoneOffset.ofHours(1)),
        // Julian 1500-02-29, a leap day the Gregorian calendar does not have.
        Arguments.of("1500-03-10T12:00:00Z", ZoneOffset.UTC),
        Arguments.of("1000-03-01T12:00:00Z", ZoneOffset.UTC),
        // The ends of the years StorableSample lets through.
        Arguments.of("0001-01-02T00:00:00Z", ZoneOffset.ofHours(-18)),
        Arguments.of("9999-12-30T23:59:59.999Z", ZoneOffset.ofHours(18)),
        // Offsets that are not whole minutes: TimeZone.getTimeZone falls back to GMT.
        Arguments.of(
            "1890-05-01T12:00:00Z",
            ZoneId.of("Europe/Amsterdam")
                .getRules()
                .getOffset(Instant.parse("1890-05-01T12:00:00Z"))),
        Arguments.of("2026-05-01T12:00:00Z", ZoneOffset.ofTotalSeconds(3601)),
        Arguments.of("2026-05-01T12:00:00Z", ZoneOffset.ofTotalSeconds(-61)));
  }

  @ParameterizedTest(name = "{0} at {1}")
  @MethodSource("edgeCases")
  void writesADateTimeAsHapiWroteIt(String instant, ZoneOffset offset) {
    Instant time = Instant.parse(instant);
    assertThat(FhirDateTimes.dateTime(time, offset)).isEqualTo(hapiDateTime(time, offset));
  }

  @Test
  void edgeCasesReadAsIntended() {
    assertThat(
            FhirDateTimes.dateTime(Instant.parse("2026-12-31T10:00:00Z"), ZoneOffset.ofHours(14)))
        .isEqualTo("2027-01-01T00:00:00+14:00");
    assertThat(
            FhirDateTimes.dateTime(
                Instant.parse("2026-12-31T11:59:59.001Z"), ZoneOffset.ofHours(-12)))
        .isEqualTo("2026-12-30T23:59:59.001-12:00");
    assertThat(FhirDateTimes.dateTime(Instant.parse("2026-06-30T18:15:00Z"), ZoneOffset.UTC))
        .isEqualTo("2026-06-30T18:15:00+00:00");
    assertThat(FhirDateTimes.dateTime(Instant.parse("1582-10-14T12:00:00Z"), ZoneOffset.UTC))
        .isEqualTo("1582-10-04T12:00:00+00:00");
    assertThat(FhirDateTimes.dateTime(Instant.parse("1500-03-10T12:00:00Z"), ZoneOffset.UTC))
        .isEqualTo("1500-02-29T12:00:00+00:00");
    assertThat(FhirDateTimes.instant(Instant.parse("2026-11-20T07:45:30Z")))
        .isEqualTo("2026-11-20T07:45:30.000+00:00");
  }

  @Test
  void writesDateTimesAsHapiWroteThemAcrossTheAcceptedYears() {
    SplittableRandom random = new SplittableRandom(19);
    long earliest = Instant.parse("0001-01-02T00:00:00Z").toEpochMilli();
    long latest = Instant.parse("9999-12-30T23:59:59.999Z").toEpochMilli();
    long cutover = Instant.parse("1582-10-15T00:00:00Z").toEpochMilli();
    for (int i = 0; i < 200_000; i++) {
      long millis =
          switch (i % 4) {
            case 0 -> random.nextLong(earliest, latest + 1);
            // Near the cutover, where the calendar changes with the local date.
            case 1 -> cutover + random.nextLong(-3 * 86_400_000L, 3 * 86_400_000L);
            // Today's years, in whole seconds half of the time.
            case 2 -> random.nextLong(1_500_000_000_000L, 2_000_000_000_000L) / 1000 * 1000;
            default -> random.nextLong(1_500_000_000_000L, 2_000_000_000_000L);
          };
      Instant instant = Instant.ofEpochMilli(millis);
      ZoneOffset offset =
          switch (random.nextInt(3)) {
            case 0 -> ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 4, 18 * 4 + 1) * 900);
            case 1 -> ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 3600, 18 * 3600 + 1));
            default -> ZoneOffset.UTC;
          };
      assertThat(FhirDateTimes.dateTime(instant, offset))
          .as("%s at %s", instant, offset)
          .isEqualTo(hapiDateTime(instant, offset));
      if (i % 10 == 0) {
        assertThat(FhirDateTimes.instant(instant))
            .as("%s", instant)
            .isEqualTo(hapiInstant(instant));
      }
    }
  }
}
