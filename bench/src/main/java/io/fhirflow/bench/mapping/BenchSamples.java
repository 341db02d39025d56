package io.fhirflow.bench.mapping;

import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.MappingOutcome;
import io.fhirflow.schema.HcInstantaneous;
import io.fhirflow.schema.HcMeasurement;
import io.fhirflow.schema.HcSeries;
import io.fhirflow.schema.HcSeriesSample;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.WearableSamples;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's inputs: testkit's realistic samples, plus a weight in pounds and a 60-sample
 * heart-rate series.
 */
final class BenchSamples {
  static final int SERIES_SAMPLES = 60;

  private BenchSamples() {}

  /**
   * Fails fast when a benchmark input would be rejected, so a benchmark never measures the
   * rejection path.
   */
  static void requireAllMap(FhirMapper mapper, WearableSample... samples) {
    for (WearableSample sample : samples) {
      MappingOutcome outcome = mapper.map(sample, false);
      if (!(outcome instanceof Mapped)) {
        throw new IllegalStateException(
            "benchmark sample " + sample.getType() + " does not map: " + outcome);
      }
    }
  }

  static WearableSample healthKitHeartRate() {
    return WearableSamples.healthKitHeartRate().build();
  }

  static WearableSample healthKitBloodPressure() {
    return WearableSamples.healthKitBloodPressure().build();
  }

  /** Health Connect weight of 154.2 lb: converted to kg, bodyweight profile. */
  static WearableSample healthConnectWeightInPounds() {
    return WearableSamples.healthConnectBloodPressure()
        .setType("WeightRecord")
        .setRecordId("bench-weight")
        .setBody(
            HcInstantaneous.newBuilder()
                .setMeasurements(
                    List.of(
                        HcMeasurement.newBuilder()
                            .setField("weight")
                            .setValue(154.2)
                            .setUnit("pounds")
                            .build()))
                .build())
        .build();
  }

  /** Health Connect heart-rate series with one sample a second. */
  static WearableSample healthConnectHeartRateSeries() {
    WearableSample.Builder series = WearableSamples.healthConnectHeartRateSeries();
    List<HcSeriesSample> samples = new ArrayList<>();
    for (int i = 0; i < SERIES_SAMPLES; i++) {
      samples.add(
          HcSeriesSample.newBuilder()
              .setTime(series.getStartTime().plusSeconds(i))
              .setValue(60 + i % 40)
              .setUnit("beatsPerMinute")
              .build());
    }
    return series
        .setEndTime(series.getStartTime().plusSeconds(SERIES_SAMPLES - 1))
        .setBody(HcSeries.newBuilder().setSamples(samples).build())
        .build();
  }
}
