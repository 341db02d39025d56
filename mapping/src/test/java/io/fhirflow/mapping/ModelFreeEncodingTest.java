package io.fhirflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.Tenants;
import io.fhirflow.mapping.testing.AppleHealthExportReader;
import io.fhirflow.mapping.testing.CatalogueSamples;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.xml.stream.XMLStreamException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The mapper without HAPI model objects (issue 19 item 1) gives, for every sample, exactly what the
 * HAPI-model path gave ({@link HapiModelMapping}, the pre-change code kept as the oracle): the same
 * Observation bytes in the same order and the same metric points, or the same rejection with the
 * same detail. Inputs: one sample per catalogue entry (every shape), the golden samples, every
 * record of the real Apple Health exports in /work/shared/datasets, and seeded adversarial variants
 * of the catalogue samples (edge times and offsets, named and unknown zones, text that needs
 * escaping, odd versions, values at and past the ranges, unknown enum values).
 */
class ModelFreeEncodingTest {
  private static final MappingCatalogue CATALOGUE = MappingCatalogue.builtIn();
  private static final FhirMapper MAPPER = new FhirMapper(CATALOGUE);
  private static final HapiModelMapping ORACLE = new HapiModelMapping(CATALOGUE);
  private static final Path DATASETS =
      Path.of(System.getProperty("fhirflow.datasets", "/work/shared/datasets"));
  private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");

  static Stream<CatalogueEntry> entries() {
    return CATALOGUE.entries().stream().filter(e -> e.kind() != ValueKind.UNSUPPORTED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("entries")
  void everyCatalogueShapeEncodesAsTheHapiModelsDid(CatalogueEntry entry) {
    WearableSample sample = CatalogueSamples.forEntry(CATALOGUE, entry);
    assertThat(assertSameOutcome(Tenants.DEFAULT, sample, false)).isInstanceOf(Mapped.class);
    assertSameOutcome("acme", sample, true);
  }

  static Stream<String> goldenCases() throws IOException {
    try (Stream<Path> cases = Files.list(GOLDEN)) {
      return cases
          .filter(c -> Files.exists(c.resolve("sample.json")))
          .map(c -> c.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenCases")
  void goldenSamplesEncodeAsTheHapiModelsDid(String name) throws IOException {
    WearableSample sample =
        GoldenFilesTest.fromJson(
            Files.readString(GOLDEN.resolve(name).resolve("sample.json"), StandardCharsets.UTF_8));
    assertThat(assertSameOutcome(Tenants.DEFAULT, sample, name.endsWith("-amended")))
        .isInstanceOf(Mapped.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.fhirflow.mapping.RealAppleHealthExportTest#exports")
  void everyRecordOfARealExportEncodesAsTheHapiModelsDid(String export)
      throws IOException, XMLStreamException {
    Path file = DATASETS.resolve(export);
    Assumptions.assumeTrue(Files.exists(file), "dataset not present: " + file);
    List<WearableSample> samples = new ArrayList<>();
    new AppleHealthExportReader(CATALOGUE, "real-export-user").read(file, samples::add);
    int mapped = 0;
    for (WearableSample sample : samples) {
      if (assertSameOutcome(Tenants.DEFAULT, sample, false) instanceof Mapped) {
        mapped++;
      }
    }
    assertThat(mapped).as("mapped records of %s", export).isPositive();
  }

  @Test
  void adversarialVariantsOfEveryShapeEncodeAsTheHapiModelsDid() {
    SplittableRandom random = new SplittableRandom(1919);
    int mapped = 0;
    int rejected = 0;
    for (CatalogueEntry entry : entries().toList()) {
      WearableSample base = CatalogueSamples.forEntry(CATALOGUE, entry);
      for (int i = 0; i < 40; i++) {
        WearableSample variant = Adversary.vary(base, random);
        MappingOutcome outcome =
            assertSameOutcome(
                random.nextBoolean() ? Tenants.DEFAULT : "tenant-b", variant, random.nextBoolean());
        if (outcome instanceof Mapped) {
          mapped++;
        } else {
          rejected++;
        }
      }
    }
    // Both kinds of outcome are exercised, not just one.
    assertThat(mapped).isGreaterThan(5_000);
    assertThat(rejected).isGreaterThan(500);
  }

  /**
   * Maps the sample both ways and asserts the same result.
   *
   * @return the new mapper's outcome
   */
  private static MappingOutcome assertSameOutcome(
      String tenant, WearableSample sample, boolean amended) {
    MappingOutcome outcome = MAPPER.map(tenant, sample, amended);
    HapiModelMapping.Result old;
    try {
      old = ORACLE.map(tenant, sample, amended);
    } catch (SampleRejected rejected) {
      assertThat(outcome).as("%s", sample).isEqualTo(rejected.rejection());
      return outcome;
    }
    assertThat(outcome).as("%s", sample).isInstanceOf(Mapped.class);
    Mapped mapped = (Mapped) outcome;
    assertThat(mapped.observations())
        .extracting(FhirResource::json)
        .as("%s", sample)
        .containsExactlyElementsOf(old.json());
    assertThat(mapped.metrics()).as("%s", sample).isEqualTo(old.metrics());
    return outcome;
  }

  /** Seeded variations of a valid sample, each aimed at a place where the two paths could part. */
  private static final class Adversary {
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

    private Adversary() {}

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
}
