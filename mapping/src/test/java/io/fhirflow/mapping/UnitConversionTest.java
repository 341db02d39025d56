package io.fhirflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.mapping.testing.Samples;
import io.fhirflow.schema.WearableSample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Units are converted where the profile or the catalogue's unit needs it, and only there. */
class UnitConversionTest {
  private static final FhirMapper MAPPER = new FhirMapper(MappingCatalogue.builtIn());

  private static String json(WearableSample sample) {
    MappingOutcome outcome = MAPPER.map(sample, false);
    assertThat(outcome).isInstanceOf(Mapped.class);
    return ((Mapped) outcome).observations().get(0).json();
  }

  private static String quantity(String value, String unit, String code) {
    return "\"valueQuantity\":{\"value\":"
        + value
        + ",\"unit\":\""
        + unit
        + "\",\"system\":\"http://unitsofmeasure.org\",\"code\":\""
        + code
        + "\"}";
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3} {5}")
  @CsvSource(
      delimiter = '|',
      value = {
        // pounds to kilograms
        "HKQuantityTypeIdentifierBodyMass | 154 | lb | 69.85322498 | kg | kg",
        // inches to centimetres
        "HKQuantityTypeIdentifierHeight | 70 | in | 177.8 | cm | cm",
        // Fahrenheit to Celsius, exactly
        "HKQuantityTypeIdentifierBodyTemperature | 98.6 | degF | 37 | degrees Celsius | Cel",
        // HealthKit fractions multiplied by one hundred
        "HKQuantityTypeIdentifierOxygenSaturation | 0.97 | % | 97 | % | %",
        "HKQuantityTypeIdentifierBodyFatPercentage | 0.242 | % | 24.2 | % | %",
        // beats per second to beats per minute
        "HKQuantityTypeIdentifierHeartRate | 1.11667 | count/s | 67.0002 | beats/minute | /min",
        // molar glucose to mass concentration
        "HKQuantityTypeIdentifierBloodGlucose | 5.5 | mmol<180.1558800000541>/L | 99.085734 | mg/dL | mg/dL",
        // miles kept as metres for distance
        "HKQuantityTypeIdentifierDistanceWalkingRunning | 1 | mi | 1609.344 | m | m",
      })
  void convertsHealthKitQuantities(
      String type, double value, String unit, String fhirValue, String fhirUnit, String fhirCode) {
    assertThat(json(Samples.hkQuantity(type, value, unit)))
        .contains(quantity(fhirValue, fhirUnit, fhirCode));
  }

  @Test
  void doesNotMultiplyHealthConnectPercentages() {
    assertThat(
            json(
                Samples.hcInstant(
                    "OxygenSaturationRecord",
                    List.of(Samples.measurement("percentage", 97, "percent")),
                    Map.of())))
        .contains(quantity("97", "%", "%"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"250, kilocalories", "250000, calories"})
  void readsHealthConnectEnergyAsKilocaloriesAndConvertsSmallCalories(double value, String unit) {
    assertThat(
            json(
                Samples.hcInterval(
                    "ActiveCaloriesBurnedRecord",
                    List.of(Samples.measurement("energy", value, unit)),
                    Map.of(),
                    List.of())))
        .contains(quantity("250", "kcal", "kcal"));
  }
}
