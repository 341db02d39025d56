package io.fhirflow.mapping.testing;

import io.fhirflow.mapping.CatalogueEntry;
import io.fhirflow.mapping.CodedValue;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.mapping.ValueKind;
import io.fhirflow.schema.HcInstantaneous;
import io.fhirflow.schema.HcMeasurement;
import io.fhirflow.schema.HcSeries;
import io.fhirflow.schema.HcSeriesSample;
import io.fhirflow.schema.HcStage;
import io.fhirflow.schema.HkCategory;
import io.fhirflow.schema.HkCorrelation;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.WearableSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One valid generated sample per catalogue entry: a value inside the entry's range, sent in the
 * alphabetically first unit the entry accepts (so conversions run), with the context fields its
 * record type can carry.
 */
public final class CatalogueSamples {
  /** Health Connect records that are intervals (start..end) rather than instants. */
  private static final Set<String> INTERVAL_RECORDS =
      Set.of(
          "ActiveCaloriesBurnedRecord",
          "ActivityIntensityRecord",
          "DistanceRecord",
          "ElevationGainedRecord",
          "ExerciseSessionRecord",
          "FloorsClimbedRecord",
          "HydrationRecord",
          "MenstruationPeriodRecord",
          "MindfulnessSessionRecord",
          "NutritionRecord",
          "PlannedExerciseSessionRecord",
          "SleepSessionRecord",
          "StepsRecord",
          "TotalCaloriesBurnedRecord",
          "WheelchairPushesRecord");

  /** Context enums each record type can carry: field -> value. */
  private static final Map<String, Map<String, Integer>> CONTEXT =
      Map.of(
          "BloodGlucoseRecord", Map.of("specimenSource", 2, "relationToMeal", 3, "mealType", 1),
          "BodyTemperatureRecord", Map.of("measurementLocation", 4),
          "BasalBodyTemperatureRecord", Map.of("measurementLocation", 4),
          "BloodPressureRecord", Map.of("bodyPosition", 2, "measurementLocation", 3),
          "Vo2MaxRecord", Map.of("measurementMethod", 1),
          "NutritionRecord", Map.of("mealType", 2),
          "SkinTemperatureRecord", Map.of("measurementLocation", 3),
          "ExerciseSessionRecord", Map.of("exerciseType", 56),
          "PlannedExerciseSessionRecord", Map.of("exerciseType", 79));

  private CatalogueSamples() {}

  public static WearableSample forEntry(MappingCatalogue catalogue, CatalogueEntry entry) {
    return entry.platform() == Platform.HEALTHKIT
        ? healthKit(catalogue, entry)
        : healthConnect(catalogue, entry);
  }

  /** A value in the entry's range (a quarter of the way up), in the given source unit. */
  public static double sourceValue(CatalogueEntry entry, String unit) {
    double min = entry.min() == null ? 0 : entry.min();
    double max = entry.max() == null ? min + 100 : entry.max();
    double target = min + (Math.min(max, min + 400) - min) / 4;
    return entry.sourceUnits().get(unit) == null ? target : inverse(entry, unit, target);
  }

  private static double inverse(CatalogueEntry entry, String unit, double target) {
    var conversion = entry.sourceUnits().get(unit);
    double raw = target / conversion.factor() - conversion.offset();
    return Math.round(raw * 1000) / 1000.0;
  }

  /**
   * The alphabetically first accepted unit: the entry's units are an immutable map whose iteration
   * order changes from one JVM to the next, and a sample must be the same in every run for its
   * mapping to be compared with a pinned one.
   */
  private static String firstUnit(CatalogueEntry entry) {
    return entry.sourceUnits().keySet().stream().sorted().findFirst().orElseThrow();
  }

  private static WearableSample healthKit(MappingCatalogue catalogue, CatalogueEntry entry) {
    switch (entry.kind()) {
      case QUANTITY:
        {
          String unit = firstUnit(entry);
          return Samples.healthKit(
                  entry.type(),
                  "hk-" + entry.type(),
                  Samples.quantity(sourceValue(entry, unit), unit))
              .build();
        }
      case CATEGORY:
        {
          CodedValue value = catalogue.codedValues(entry.valueSet()).get(0);
          return Samples.healthKit(
                  entry.type(), "hk-" + entry.type(), new HkCategory(value.value(), value.code()))
              .setEndTime(Samples.END)
              .build();
        }
      case SLEEP_STAGE:
        return Samples.healthKit(
                entry.type(),
                "hk-sleep",
                new HkCategory(4, "HKCategoryValueSleepAnalysisAsleepDeep"))
            .setEndTime(Samples.END)
            .build();
      case BLOOD_PRESSURE:
        return Samples.hkBloodPressure(118, 76);
      case FOOD:
        return Samples.healthKit(
                entry.type(),
                "hk-food",
                new HkCorrelation(
                    List.of(
                        Samples.member(
                            "hk-food-energy",
                            "HKQuantityTypeIdentifierDietaryEnergyConsumed",
                            420,
                            "kcal"),
                        Samples.member(
                            "hk-food-protein",
                            "HKQuantityTypeIdentifierDietaryProtein",
                            21.5,
                            "g"))))
            .build();
      case WORKOUT:
        return Samples.hkWorkout(
            "HKWorkoutActivityTypeRunning",
            31.5,
            List.of(
                Samples.total("HKQuantityTypeIdentifierActiveEnergyBurned", 338, "kcal"),
                Samples.total("HKQuantityTypeIdentifierDistanceWalkingRunning", 5.2, "km")));
      default:
        throw new IllegalArgumentException("no HealthKit sample for kind " + entry.kind());
    }
  }

  private static WearableSample healthConnect(MappingCatalogue catalogue, CatalogueEntry entry) {
    String type = entry.type();
    List<CatalogueEntry> rows = catalogue.entries(Platform.HEALTH_CONNECT, type);
    Map<String, Integer> enums = new HashMap<>(CONTEXT.getOrDefault(type, Map.of()));
    List<HcMeasurement> measurements = new ArrayList<>();
    for (CatalogueEntry row : rows) {
      if (row.kind() == ValueKind.CODED && row == entry) {
        enums.put(row.field(), 1);
      }
    }
    if (entry.kind() == ValueKind.MEASUREMENT) {
      String unit = firstUnit(entry);
      measurements.add(Samples.measurement(entry.field(), sourceValue(entry, unit), unit));
    }
    if (entry.kind() == ValueKind.BLOOD_PRESSURE) {
      measurements.add(Samples.measurement("systolic", 121, "millimetersOfMercury"));
      measurements.add(Samples.measurement("diastolic", 79, "millimetersOfMercury"));
    }
    CatalogueEntry series =
        rows.stream().filter(r -> r.kind() == ValueKind.SERIES).findFirst().orElse(null);
    if (series != null) {
      String unit = firstUnit(series);
      List<HcSeriesSample> samples = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        samples.add(
            new HcSeriesSample(
                Samples.START.plusSeconds(300L * i), sourceValue(series, unit) + i, unit));
      }
      return Samples.healthConnect(type, "hc-" + type, new HcSeries(samples, measurements, enums))
          .setEndTime(Samples.END)
          .build();
    }
    if (entry.kind() == ValueKind.SLEEP_SESSION) {
      List<HcStage> stages =
          List.of(
              Samples.stage(Samples.START, Samples.START.plusSeconds(240), 4),
              Samples.stage(Samples.START.plusSeconds(240), Samples.START.plusSeconds(600), 5),
              Samples.stage(Samples.START.plusSeconds(600), Samples.START.plusSeconds(780), 6),
              Samples.stage(Samples.START.plusSeconds(780), Samples.END, 1));
      return Samples.healthConnect(
              type, "hc-" + type, Samples.interval(measurements, enums, stages))
          .setEndTime(Samples.END)
          .build();
    }
    if (INTERVAL_RECORDS.contains(type)) {
      return Samples.healthConnect(
              type, "hc-" + type, Samples.interval(measurements, enums, List.of()))
          .setEndTime(Samples.END)
          .build();
    }
    return Samples.healthConnect(
            type, "hc-" + type, new HcInstantaneous(measurements, enums, Map.of()))
        .build();
  }
}
