package io.fhirflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.mapping.testing.Samples;
import io.fhirflow.schema.WearableSample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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

  @Test
  void convertsPoundsToKilograms() {
    assertThat(json(Samples.hkQuantity("HKQuantityTypeIdentifierBodyMass", 154, "lb")))
        .contains(quantity("69.85322498", "kg", "kg"));
  }

  @Test
  void convertsInchesToCentimetres() {
    assertThat(json(Samples.hkQuantity("HKQuantityTypeIdentifierHeight", 70, "in")))
        .contains(quantity("177.8", "cm", "cm"));
  }

  @Test
  void convertsFahrenheitToCelsiusExactly() {
    assertThat(json(Samples.hkQuantity("HKQuantityTypeIdentifierBodyTemperature", 98.6, "degF")))
        .contains(quantity("37", "degrees Celsius", "Cel"));
  }

  @Test
  void multipliesHealthKitFractionsByOneHundredButNotHealthConnectPercentages() {
    assertThat(json(Samples.hkQuantity("HKQuantityTypeIdentifierOxygenSaturation", 0.97, "%")))
        .contains(quantity("97", "%", "%"));
    assertThat(json(Samples.hkQuantity("HKQuantityTypeIdentifierBodyFatPercentage", 0.242, "%")))
        .contains(quantity("24.2", "%", "%"));
    assertThat(
            json(
                Samples.hcInstant(
                    "OxygenSaturationRecord",
                    List.of(Samples.measurement("percentage", 97, "percent")),
                    Map.of())))
        .contains(quantity("97", "%", "%"));
  }

  @Test
  void convertsBeatsPerSecondToBeatsPerMinute() {
    assertThat(json(Samples.hkQuantity("HKQuantityTypeIdentifierHeartRate", 1.11667, "count/s")))
        .contains(quantity("67.0002", "beats/minute", "/min"));
  }

  @Test
  void readsHealthConnectEnergyAsKilocaloriesAndConvertsSmallCalories() {
    assertThat(
            json(
                Samples.hcInterval(
                    "ActiveCaloriesBurnedRecord",
                    List.of(Samples.measurement("energy", 250, "kilocalories")),
                    Map.of(),
                    List.of())))
        .contains(quantity("250", "kcal", "kcal"));
    assertThat(
            json(
                Samples.hcInterval(
                    "ActiveCaloriesBurnedRecord",
                    List.of(Samples.measurement("energy", 250000, "calories")),
                    Map.of(),
                    List.of())))
        .contains(quantity("250", "kcal", "kcal"));
  }

  @Test
  void convertsHealthKitMolarGlucoseToMassConcentration() {
    assertThat(
            json(
                Samples.hkQuantity(
                    "HKQuantityTypeIdentifierBloodGlucose", 5.5, "mmol<180.1558800000541>/L")))
        .contains(quantity("99.085734", "mg/dL", "mg/dL"));
  }

  @Test
  void keepsMilesAsMetresForDistance() {
    assertThat(json(Samples.hkQuantity("HKQuantityTypeIdentifierDistanceWalkingRunning", 1, "mi")))
        .contains(quantity("1609.344", "m", "m"));
  }
}
