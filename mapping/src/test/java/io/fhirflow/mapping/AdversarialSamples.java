package io.fhirflow.mapping;

import io.fhirflow.schema.HcInstantaneous;
import io.fhirflow.schema.HcInterval;
import io.fhirflow.schema.HcMeasurement;
import io.fhirflow.schema.HcSeries;
import io.fhirflow.schema.HcSeriesSample;
import io.fhirflow.schema.HcStage;
import io.fhirflow.schema.HkCategory;
import io.fhirflow.schema.HkCorrelation;
import io.fhirflow.schema.HkCorrelationMember;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.HkWorkout;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.WearableSample;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded variations of a valid sample, each aimed at a place where an encoder can go wrong: edge
 * times and offsets, named and unknown zones, text that needs escaping, odd versions, values at and
 * past the ranges, unknown enum values.
 */
final class AdversarialSamples {
  private static final List<Instant> STARTS =
      List.of(
          Instant.parse("2026-03-29T00:59:59.999Z"), // Central Europe's DST change
          Instant.parse("2026-11-01T05:30:00Z"), // New York's repeated hour
          Instant.parse("2024-02-29T23:30:00.500Z"),
          Instant.parse("2026-12-31T23:59:59Z"),
          Instant.parse("1970-01-01T00:00:00Z"),
          Instant.parse("1969-12-31T23:59:59.001Z"),
          Instant.parse("1582-10-14T20:00:00Z"), // the Gregorian cutover
          Instant.parse("1000-03-01T12:00:00Z"),
          Instant.parse("1890-05-01T12:00:00Z"), // local mean time in named zones
          Instant.parse("0001-01-03T00:00:00Z"),
          Instant.parse("9999-12-29T00:00:00.999Z"),
          Instant.parse("0001-01-01T00:00:00Z")); // outside the accepted years

  private static final List<Integer> OFFSETS =
      java.util.Arrays.asList(
          null, 0, 3600, -18_000, 50_400, -43_200, 64_800, -64_800, 19_800, 20_700, 1_172, -61);

  private static final List<String> ZONES =
      java.util.Arrays.asList(
          null,
          "Europe/Amsterdam",
          "America/New_York",
          "Pacific/Kiritimati",
          "Etc/GMT+12",
          "Australia/Lord_Howe",
          "Asia/Kathmandu",
          "UTC",
          "Not/AZone",
          "");

  private static final List<String> TEXTS =
      List.of(
          "plain",
          "quote\"and\\backslash",
          "tab\tnew\nline\rcarriage",
          "\u0001\u001f controls",
          "é日本語 😀",
          "line\u2028separator",
          "   ",
          "",
          "/slash/and:colon?query=1&x",
          "x".repeat(300),
          "nul\u0000byte",
          "lone\uD800surrogate");

  private AdversarialSamples() {}

  static WearableSample vary(WearableSample base, SplittableRandom random) {
    WearableSample sample = WearableSample.newBuilder(base).build();
    if (random.nextInt(3) > 0) {
      Instant start = pick(STARTS, random);
      long shift = start.toEpochMilli() - sample.getStartTime().toEpochMilli();
      shiftTimes(sample, shift);
      if (random.nextInt(6) == 0) {
        sample.setEndTime(sample.getEndTime().plusMillis(random.nextLong(0, 90_000_000L)));
      }
    }
    if (random.nextInt(2) == 0) {
      sample.setStartZoneOffsetSeconds(pick(OFFSETS, random));
      sample.setEndZoneOffsetSeconds(pick(OFFSETS, random));
    }
    if (random.nextInt(2) == 0) {
      sample.setTimeZone(pick(ZONES, random));
    }
    if (random.nextInt(4) == 0) {
      sample.getSource().setBundleId(random.nextBoolean() ? null : pick(TEXTS, random));
    }
    if (random.nextInt(6) == 0) {
      sample.setRecordId(pick(TEXTS, random));
    }
    if (random.nextInt(8) == 0) {
      sample.setUserId(pick(TEXTS, random));
    }
    if (random.nextInt(3) == 0) {
      sample.setVersion(version(random));
    }
    if (random.nextInt(4) == 0) {
      sample.setCreationTime(random.nextBoolean() ? null : pick(STARTS, random));
    }
    varyBody(sample.getBody(), random);
    return sample;
  }

  private static RecordVersion version(SplittableRandom random) {
    RecordVersion.Builder version = RecordVersion.newBuilder();
    if (random.nextBoolean()) {
      version.setClientRecordId(pick(TEXTS, random));
    }
    if (random.nextBoolean()) {
      version.setClientRecordVersion(random.nextLong(-5, Long.MAX_VALUE));
    }
    if (random.nextBoolean()) {
      version.setSyncVersion(random.nextLong(0, 1_000_000));
    }
    if (random.nextBoolean()) {
      version.setLastModifiedTime(pick(STARTS, random).plusMillis(random.nextInt(1000)));
    }
    return version.build();
  }

  private static void shiftTimes(WearableSample sample, long shift) {
    sample.setStartTime(sample.getStartTime().plusMillis(shift));
    sample.setEndTime(sample.getEndTime().plusMillis(shift));
    if (sample.getBody() instanceof HcSeries series) {
      for (HcSeriesSample point : series.getSamples()) {
        point.setTime(point.getTime().plusMillis(shift));
      }
    }
    if (sample.getBody() instanceof HcInterval interval) {
      for (HcStage stage : interval.getStages()) {
        stage.setStartTime(stage.getStartTime().plusMillis(shift));
        stage.setEndTime(stage.getEndTime().plusMillis(shift));
      }
    }
  }

  private static void varyBody(Object body, SplittableRandom random) {
    if (body instanceof HkQuantity quantity) {
      quantity.setValue(value(quantity.getValue(), random));
    } else if (body instanceof HkCategory category && random.nextInt(3) == 0) {
      category.setValueLabel(
          random.nextBoolean() ? pick(TEXTS, random) : "HKCategoryValueFromANewerIos");
      if (random.nextBoolean()) {
        category.setValue(random.nextInt(-1, 12));
      }
    } else if (body instanceof HkCorrelation correlation) {
      for (HkCorrelationMember member : correlation.getMembers()) {
        member.setValue(value(member.getValue(), random));
      }
    } else if (body instanceof HkWorkout workout && random.nextInt(3) == 0) {
      workout.setDurationSeconds(random.nextBoolean() ? null : value(1234.5678, random));
      workout.setActivityType(pick(TEXTS, random));
    } else if (body instanceof HcInstantaneous record) {
      measurements(record.getMeasurements(), random);
      enums(record.getEnums(), random);
    } else if (body instanceof HcInterval record) {
      measurements(record.getMeasurements(), random);
      enums(record.getEnums(), random);
    } else if (body instanceof HcSeries record) {
      for (HcSeriesSample point : record.getSamples()) {
        point.setValue(value(point.getValue(), random));
      }
      enums(record.getEnums(), random);
    }
  }

  private static void measurements(List<HcMeasurement> measurements, SplittableRandom random) {
    for (HcMeasurement measurement : measurements) {
      measurement.setValue(value(measurement.getValue(), random));
    }
  }

  private static void enums(Map<String, Integer> enums, SplittableRandom random) {
    if (random.nextInt(3) == 0) {
      String field =
          pick(
              List.of(
                  "measurementLocation",
                  "measurementMethod",
                  "bodyPosition",
                  "specimenSource",
                  "mealType",
                  "relationToMeal",
                  "exerciseType",
                  "aFieldFromTheFuture"),
              random);
      enums.put(field, random.nextInt(-1, 120));
    }
  }

  /** The value as it was, slightly off, much smaller or larger, or past any range. */
  private static double value(double value, SplittableRandom random) {
    return switch (random.nextInt(8)) {
      case 0 -> value * (1 + 1e-9);
      case 1 -> value / 3;
      case 2 -> Math.nextUp(value);
      case 3 -> value * 1e6;
      case 4 -> -value;
      case 5 -> 0.0;
      case 6 -> 1e-7;
      default -> value;
    };
  }

  private static <T> T pick(List<T> items, SplittableRandom random) {
    return items.get(random.nextInt(items.size()));
  }
}
