package io.fhirflow.mapping.testing;

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
import io.fhirflow.schema.HkWorkoutStatistic;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.RecordingMethod;
import io.fhirflow.schema.Source;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.SampleDevices;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders for raw samples in tests: fixed ids and times so that outputs are comparable. */
public final class Samples {
  public static final String USER = "user-42";
  public static final Instant START = Instant.parse("2026-11-20T07:30:00Z");
  public static final Instant END = Instant.parse("2026-11-20T07:45:00Z");
  public static final int OFFSET = 3600;

  private Samples() {}

  /**
   * What every sample shares: {@link #USER}, at {@link #START}, +01:00, received a minute after the
   * end.
   */
  private static WearableSample.Builder shell(Platform platform, String type, String recordId) {
    return WearableSample.newBuilder()
        .setUserId(USER)
        .setPlatform(platform)
        .setRecordId(recordId)
        .setType(type)
        .setStartTime(START)
        .setStartZoneOffsetSeconds(OFFSET)
        .setEndTime(START)
        .setEndZoneOffsetSeconds(OFFSET)
        .setReceivedTime(END.plusSeconds(60));
  }

  /** A HealthKit sample shell: Apple Watch, +01:00, received a minute after the end. */
  public static WearableSample.Builder healthKit(String type, String recordId, Object body) {
    return shell(Platform.HEALTHKIT, type, recordId)
        .setCreationTime(START.plusSeconds(5))
        .setSource(
            Source.newBuilder()
                .setName("Sample’s Apple Watch")
                .setBundleId("com.apple.health.7A1B")
                .setVersion("10.1")
                .setProductType("Watch6,1")
                .build())
        .setDevice(SampleDevices.appleWatch("10.1"))
        .setVersion(RecordVersion.newBuilder().build())
        .setRecordingMethod(RecordingMethod.UNKNOWN)
        .setMetadata(Map.of())
        .setBody(body);
  }

  /** A Health Connect sample shell: a watch, +01:00, clientRecordVersion 3. */
  public static WearableSample.Builder healthConnect(String type, String recordId, Object body) {
    return shell(Platform.HEALTH_CONNECT, type, recordId)
        .setSource(Source.newBuilder().setBundleId("com.example.fitness").build())
        .setDevice(SampleDevices.pixelWatch2())
        .setVersion(
            RecordVersion.newBuilder()
                .setClientRecordId("c-17")
                .setClientRecordVersion(3L)
                .setLastModifiedTime(END.plusSeconds(30))
                .build())
        .setRecordingMethod(RecordingMethod.AUTOMATICALLY_RECORDED)
        .setMetadata(Map.of())
        .setBody(body);
  }

  /** A HealthKit quantity body without aggregate statistics or series. */
  public static HkQuantity quantity(double value, String unit) {
    return HkQuantity.newBuilder().setValue(value).setUnit(unit).build();
  }

  /** A Health Connect sleep stage. */
  public static HcStage stage(Instant start, Instant end, int stage) {
    return HcStage.newBuilder().setStartTime(start).setEndTime(end).setStage(stage).build();
  }

  public static WearableSample hkQuantity(String type, double value, String unit) {
    return healthKit(type, "hk-" + type, quantity(value, unit)).build();
  }

  public static WearableSample hkCategory(String type, int value, String label) {
    return healthKit(type, "hk-" + type, new HkCategory(value, label)).setEndTime(END).build();
  }

  public static WearableSample hkBloodPressure(double systolic, double diastolic) {
    List<HkCorrelationMember> members =
        List.of(
            member("hk-sys", "HKQuantityTypeIdentifierBloodPressureSystolic", systolic, "mmHg"),
            member("hk-dia", "HKQuantityTypeIdentifierBloodPressureDiastolic", diastolic, "mmHg"));
    return healthKit(
            "HKCorrelationTypeIdentifierBloodPressure", "hk-bp", new HkCorrelation(members))
        .build();
  }

  public static HkCorrelationMember member(
      String recordId, String type, double value, String unit) {
    return new HkCorrelationMember(recordId, type, START, START, value, unit, Map.of());
  }

  public static WearableSample hkWorkout(
      String activity, double minutes, List<HkWorkoutStatistic> totals) {
    return healthKit(
            "HKWorkoutTypeIdentifier",
            "hk-workout",
            HkWorkout.newBuilder()
                .setActivityType(activity)
                .setDurationSeconds(minutes * 60)
                .setTotals(totals)
                .build())
        .setEndTime(START.plusSeconds((long) (minutes * 60)))
        .build();
  }

  /** A Health Connect interval body. */
  public static HcInterval interval(
      List<HcMeasurement> measurements, Map<String, Integer> enums, List<HcStage> stages) {
    return HcInterval.newBuilder()
        .setMeasurements(measurements)
        .setEnums(enums)
        .setTexts(Map.of())
        .setStages(stages)
        .build();
  }

  public static HcMeasurement measurement(String field, double value, String unit) {
    return new HcMeasurement(field, value, unit);
  }

  public static WearableSample hcInstant(
      String type, List<HcMeasurement> measurements, Map<String, Integer> enums) {
    return healthConnect(type, "hc-" + type, new HcInstantaneous(measurements, enums, Map.of()))
        .build();
  }

  public static WearableSample hcInterval(
      String type,
      List<HcMeasurement> measurements,
      Map<String, Integer> enums,
      List<HcStage> stages) {
    return healthConnect(type, "hc-" + type, interval(measurements, enums, stages))
        .setEndTime(END)
        .build();
  }

  /** A series record over START..END with one sample every five minutes. */
  public static WearableSample hcSeries(String type, String unit, double... values) {
    return hcSeriesEvery(type, unit, 300, values);
  }

  /**
   * A series record starting at START with one sample every {@code seconds}; it ends at the last
   * sample or END.
   */
  public static WearableSample hcSeriesEvery(
      String type, String unit, long seconds, double... values) {
    List<HcSeriesSample> samples = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      samples.add(new HcSeriesSample(START.plusSeconds(seconds * i), values[i], unit));
    }
    Instant last = START.plusSeconds(seconds * Math.max(0, values.length - 1));
    return healthConnect(type, "hc-" + type, new HcSeries(samples, List.of(), Map.of()))
        .setEndTime(last.isAfter(END) ? last : END)
        .build();
  }

  public static HkWorkoutStatistic total(String type, double sum, String unit) {
    return new HkWorkoutStatistic(type, sum, null, null, null, unit);
  }
}
