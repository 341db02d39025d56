package io.fhirflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.mapping.testing.CatalogueSamples;
import io.fhirflow.mapping.testing.FhirResourceValidator;
import io.fhirflow.mapping.testing.Samples;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.WearableSample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden pairs: {@code golden/<case>/sample.json} (the raw sample in Avro's JSON encoding) and
 * {@code expected.fhir.json} (every resource the mapper emits, one compact JSON per line, in order:
 * observations, patient, device). A case named {@code *-amended} maps with {@code amended = true};
 * a case with a {@code skip.txt} is reported as skipped with that reason. Rewrite the expected
 * files after an intended change with {@code -Dfhirflow.writeGolden=true} and review the diff.
 */
class GoldenFilesTest {
  private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
  private static final boolean WRITE = Boolean.getBoolean("fhirflow.writeGolden");
  private static final MappingCatalogue CATALOGUE = MappingCatalogue.builtIn();
  private static final FhirMapper MAPPER = new FhirMapper(CATALOGUE);

  /**
   * The samples behind the golden cases; used only to (re)create sample.json when it is missing.
   */
  private static Map<String, Supplier<WearableSample>> cases() {
    Map<String, Supplier<WearableSample>> cases = new LinkedHashMap<>();
    cases.put(
        "hk-heart-rate",
        () -> Samples.hkQuantity("HKQuantityTypeIdentifierHeartRate", 64.2771, "count/min"));
    cases.put(
        "hk-heart-rate-ios8-count-per-second",
        () ->
            Samples.healthKit(
                    "HKQuantityTypeIdentifierHeartRate",
                    "hk-ios8-hr",
                    Samples.quantity(1.11667, "count/s"))
                .setEndTime(Samples.END)
                .setTimeZone("Europe/Paris")
                .build());
    cases.put(
        "hk-body-mass-pounds",
        () -> Samples.hkQuantity("HKQuantityTypeIdentifierBodyMass", 154.2, "lb"));
    cases.put(
        "hk-body-temperature-fahrenheit",
        () -> Samples.hkQuantity("HKQuantityTypeIdentifierBodyTemperature", 99.5, "degF"));
    cases.put(
        "hk-oxygen-saturation-fraction",
        () -> Samples.hkQuantity("HKQuantityTypeIdentifierOxygenSaturation", 0.97, "%"));
    cases.put(
        "hk-steps-garmin-bucket",
        () ->
            Samples.healthKit(
                    "HKQuantityTypeIdentifierStepCount",
                    "hk-steps",
                    Samples.quantity(1024.0, "count"))
                .setEndTime(Samples.START.plusSeconds(899))
                .build());
    cases.put("hk-blood-pressure", () -> Samples.hkBloodPressure(128, 84));
    cases.put(
        "hk-sleep-analysis-core",
        () ->
            Samples.hkCategory(
                "HKCategoryTypeIdentifierSleepAnalysis",
                3,
                "HKCategoryValueSleepAnalysisAsleepCore"));
    cases.put(
        "hk-headache-moderate",
        () ->
            Samples.hkCategory(
                "HKCategoryTypeIdentifierHeadache", 3, "HKCategoryValueSeverityModerate"));
    cases.put(
        "hk-workout-running",
        () ->
            CatalogueSamples.forEntry(
                CATALOGUE,
                CATALOGUE.entry(Platform.HEALTHKIT, "HKWorkoutTypeIdentifier").orElseThrow()));
    cases.put(
        "hk-food",
        () ->
            CatalogueSamples.forEntry(
                CATALOGUE,
                CATALOGUE
                    .entry(Platform.HEALTHKIT, "HKCorrelationTypeIdentifierFood")
                    .orElseThrow()));
    cases.put(
        "hc-heart-rate-series",
        () -> Samples.hcSeries("HeartRateRecord", "beatsPerMinute", 58, 61, 97));
    cases.put(
        "hc-blood-pressure-position-cuff",
        () ->
            Samples.hcInstant(
                "BloodPressureRecord",
                List.of(
                    Samples.measurement("systolic", 132, "millimetersOfMercury"),
                    Samples.measurement("diastolic", 86, "millimetersOfMercury")),
                Map.of("bodyPosition", 2, "measurementLocation", 3)));
    cases.put(
        "hc-blood-glucose-interstitial-after-meal",
        () ->
            Samples.hcInstant(
                "BloodGlucoseRecord",
                List.of(Samples.measurement("level", 6.1, "millimolesPerLiter")),
                Map.of("specimenSource", 1, "relationToMeal", 4, "mealType", 3)));
    cases.put(
        "hc-sleep-session-stages",
        () ->
            Samples.hcInterval(
                "SleepSessionRecord",
                List.of(),
                Map.of(),
                List.of(
                    Samples.stage(Samples.START, Samples.START.plusSeconds(300), 7),
                    Samples.stage(
                        Samples.START.plusSeconds(300), Samples.START.plusSeconds(600), 4),
                    Samples.stage(Samples.START.plusSeconds(600), Samples.END, 5))));
    cases.put(
        "hc-nutrition-lunch",
        () ->
            Samples.hcInterval(
                "NutritionRecord",
                List.of(
                    Samples.measurement("energy", 640, "kilocalories"),
                    Samples.measurement("protein", 32.5, "grams"),
                    Samples.measurement("sodium", 1.2, "grams")),
                Map.of("mealType", 2),
                List.of()));
    cases.put(
        "hc-exercise-session-running",
        () ->
            Samples.hcInterval(
                "ExerciseSessionRecord",
                List.of(Samples.measurement("rateOfPerceivedExertion", 7, "count")),
                Map.of("exerciseType", 56),
                List.of()));
    cases.put(
        "hc-weight-pounds-amended",
        () ->
            Samples.hcInstant(
                "WeightRecord", List.of(Samples.measurement("weight", 181.5, "pounds")), Map.of()));
    cases.put(
        "hc-menstruation-flow",
        () -> Samples.hcInstant("MenstruationFlowRecord", List.of(), Map.of("flow", 2)));
    return cases;
  }

  static Stream<String> goldenCases() throws IOException {
    if (WRITE) {
      for (Map.Entry<String, Supplier<WearableSample>> entry : cases().entrySet()) {
        Path sample = GOLDEN.resolve(entry.getKey()).resolve("sample.json");
        if (!Files.exists(sample)) {
          Files.createDirectories(sample.getParent());
          Files.writeString(sample, toJson(entry.getValue().get()), StandardCharsets.UTF_8);
        }
      }
    }
    try (Stream<Path> directories = Files.list(GOLDEN)) {
      return directories
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenCases")
  void mapsTheSampleToExactlyTheExpectedResources(String name) throws IOException {
    Path directory = GOLDEN.resolve(name);
    Path skip = directory.resolve("skip.txt");
    Assumptions.assumeFalse(Files.exists(skip), () -> readQuietly(skip));
    WearableSample sample =
        fromJson(Files.readString(directory.resolve("sample.json"), StandardCharsets.UTF_8));
    MappingOutcome outcome = MAPPER.map(sample, name.endsWith("-amended"));
    assertThat(outcome).isInstanceOf(Mapped.class);
    Mapped mapped = (Mapped) outcome;
    List<FhirResource> resources = new ArrayList<>(mapped.observations());
    resources.add(mapped.patient());
    mapped.device().ifPresent(resources::add);
    String actual =
        "[\n" + String.join(",\n", resources.stream().map(FhirResource::json).toList()) + "\n]\n";
    Path expected = directory.resolve("expected.fhir.json");
    if (WRITE) {
      Files.writeString(expected, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    for (FhirResource resource : resources) {
      assertThat(FhirResourceValidator.describe(FhirResourceValidator.errors(resource.json())))
          .isEmpty();
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return file + " unreadable";
    }
  }

  static String toJson(WearableSample sample) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonEncoder encoder =
        EncoderFactory.get().jsonEncoder(WearableSample.getClassSchema(), out, true);
    new SpecificDatumWriter<>(WearableSample.class).write(sample, encoder);
    encoder.flush();
    return out.toString(StandardCharsets.UTF_8) + "\n";
  }

  static WearableSample fromJson(String json) throws IOException {
    return new SpecificDatumReader<>(WearableSample.class)
        .read(null, DecoderFactory.get().jsonDecoder(WearableSample.getClassSchema(), json));
  }
}
