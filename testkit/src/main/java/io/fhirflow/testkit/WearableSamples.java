package io.fhirflow.testkit;

import io.fhirflow.schema.Device;
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
import io.fhirflow.schema.HkSeriesPoint;
import io.fhirflow.schema.HkWorkout;
import io.fhirflow.schema.HkWorkoutStatistic;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.RecordingMethod;
import io.fhirflow.schema.RoutePoint;
import io.fhirflow.schema.SampleDeletions;
import io.fhirflow.schema.Source;
import io.fhirflow.schema.WearableSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Realistic raw samples for tests, one per body kind, shaped like what the HealthKit and Health
 * Connect gateways send (values, units, sources and metadata as seen in real exports). Each method
 * returns a filled builder, so a test changes only what it cares about:
 *
 * <pre>{@code
 * WearableSample s = WearableSamples.healthKitHeartRate().setUserId("user-7").build();
 * }</pre>
 *
 * Everything is fixed (no clock, no randomness): the same call gives an equal sample.
 */
public final class WearableSamples {

  public static final String USER_ID = "user-0001";

  /** 2026-03-14 08:15:00 in Paris (UTC+1). */
  public static final Instant MORNING = Instant.parse("2026-03-14T07:15:00Z");

  private static final int PARIS_OFFSET = 3600;

  private WearableSamples() {}

  /** HealthKit heart rate from an Apple Watch: 72 count/min, sedentary motion context. */
  public static WearableSample.Builder healthKitHeartRate() {
    return healthKitFromAppleWatch(
            "5E1D2C3B-4A59-4F6E-8D7C-0B1A2C3D4E5F",
            "HKQuantityTypeIdentifierHeartRate",
            MORNING,
            MORNING)
        .setRecordingMethod(RecordingMethod.AUTOMATICALLY_RECORDED)
        .setMetadata(
            Map.of("HKMetadataKeyHeartRateMotionContext", "1", "HKTimeZone", "Europe/Paris"))
        .setBody(HkQuantity.newBuilder().setValue(72).setUnit("count/min").build());
  }

  /**
   * A HealthKit quantity sample of any type with the heart-rate sample's source and device,
   * measured at the instant {@code at} in {@code zone} (offset and {@code HKTimeZone} from it).
   */
  public static WearableSample healthKitQuantity(
      String type, String recordId, double value, String unit, Instant at, String zone) {
    int offset = java.time.ZoneId.of(zone).getRules().getOffset(at).getTotalSeconds();
    return healthKitHeartRate()
        .setRecordId(recordId)
        .setType(type)
        .setStartTime(at)
        .setEndTime(at)
        .setStartZoneOffsetSeconds(offset)
        .setEndZoneOffsetSeconds(offset)
        .setTimeZone(zone)
        .setMetadata(Map.of("HKTimeZone", zone))
        .setCreationTime(at.plusSeconds(2))
        .setReceivedTime(at.plusSeconds(30))
        .setBody(HkQuantity.newBuilder().setValue(value).setUnit(unit).build())
        .build();
  }

  /**
   * HealthKit heart-rate variability (SDNN 48.3 ms) with the instantaneous beats per minute it was
   * computed from.
   */
  public static WearableSample.Builder healthKitHeartRateVariability() {
    Instant start = MORNING.minus(Duration.ofMinutes(1));
    double[] bpm = {64, 66, 63, 61, 65, 67};
    List<HkSeriesPoint> beats = new ArrayList<>();
    for (int i = 0; i < bpm.length; i++) {
      beats.add(
          HkSeriesPoint.newBuilder()
              .setTime(start.plusMillis(930L * i))
              .setValue(bpm[i])
              .setUnit("count/min")
              .build());
    }
    return healthKitFromAppleWatch(
            "7C8D9E0F-1A2B-4C3D-8E4F-5A6B7C8D9E0F",
            "HKQuantityTypeIdentifierHeartRateVariabilitySDNN",
            start,
            start.plus(Duration.ofMinutes(1)))
        .setMetadata(Map.of("HKTimeZone", "Europe/Paris"))
        .setBody(HkQuantity.newBuilder().setValue(48.3).setUnit("ms").setSeries(beats).build());
  }

  /** HealthKit blood pressure correlation from a Withings cuff: 118/76 mmHg. */
  public static WearableSample.Builder healthKitBloodPressure() {
    Instant at = MORNING.plus(Duration.ofMinutes(5));
    return healthKit(
            "9B8A7C6D-5E4F-4A3B-9C2D-1E0F9A8B7C6D",
            "HKCorrelationTypeIdentifierBloodPressure",
            at,
            at)
        .setSource(
            Source.newBuilder()
                .setName("Health Mate")
                .setBundleId("com.withings.wiScaleNG")
                .setVersion("6.3.1")
                .build())
        .setDevice(
            Device.newBuilder()
                .setName("BPM Connect")
                .setManufacturer("Withings")
                .setModel("BPM Connect")
                .setFirmwareVersion("1520")
                .build())
        .setRecordingMethod(RecordingMethod.AUTOMATICALLY_RECORDED)
        .setMetadata(Map.of("Health Mate App Version", "6.3.1", "HKTimeZone", "Europe/Paris"))
        .setBody(
            HkCorrelation.newBuilder()
                .setMembers(
                    List.of(
                        bloodPressureMember(
                            "0C1D2E3F-4A5B-4C6D-8E7F-9A0B1C2D3E4F",
                            "HKQuantityTypeIdentifierBloodPressureSystolic",
                            at,
                            118),
                        bloodPressureMember(
                            "1D2E3F4A-5B6C-4D7E-9F8A-0B1C2D3E4F5A",
                            "HKQuantityTypeIdentifierBloodPressureDiastolic",
                            at,
                            76)))
                .build());
  }

  /** HealthKit sleep analysis: a core-sleep segment of 1 h 30 min written by the Apple Watch. */
  public static WearableSample.Builder healthKitSleepCore() {
    Instant start = MORNING.minus(Duration.ofHours(6));
    return healthKitFromAppleWatch(
            "2A3B4C5D-6E7F-4A8B-9C0D-1E2F3A4B5C6D",
            "HKCategoryTypeIdentifierSleepAnalysis",
            start,
            start.plus(Duration.ofMinutes(90)))
        .setMetadata(Map.of("HKTimeZone", "Europe/Paris"))
        .setBody(
            HkCategory.newBuilder()
                .setValue(3)
                .setValueLabel("HKCategoryValueSleepAnalysisAsleepCore")
                .build());
  }

  /** HealthKit 30-minute outdoor run: 5.1 km, 320 kcal. */
  public static WearableSample.Builder healthKitRun() {
    Instant start = MORNING.minus(Duration.ofMinutes(45));
    return healthKitFromAppleWatch(
            "3B4C5D6E-7F8A-4B9C-8D0E-2F3A4B5C6D7E",
            "HKWorkoutTypeIdentifier",
            start,
            start.plus(Duration.ofMinutes(30)))
        .setMetadata(Map.of("HKIndoorWorkout", "0", "HKTimeZone", "Europe/Paris"))
        .setBody(
            HkWorkout.newBuilder()
                .setActivityType("HKWorkoutActivityTypeRunning")
                .setDurationSeconds(1800.0)
                .setTotals(
                    List.of(
                        HkWorkoutStatistic.newBuilder()
                            .setType("HKQuantityTypeIdentifierActiveEnergyBurned")
                            .setSum(320.0)
                            .setUnit("kcal")
                            .build(),
                        HkWorkoutStatistic.newBuilder()
                            .setType("HKQuantityTypeIdentifierDistanceWalkingRunning")
                            .setSum(5.1)
                            .setUnit("km")
                            .build()))
                .setRoute(
                    List.of(
                        routePoint(start, 48.8634, 2.3275),
                        routePoint(start.plusSeconds(5), 48.8636, 2.3281),
                        routePoint(start.plusSeconds(10), 48.8639, 2.3287)))
                .build());
  }

  /** Health Connect steps over 15 minutes from a phone: 1342 steps, version 2 of the record. */
  public static WearableSample.Builder healthConnectSteps() {
    Instant start = MORNING.minus(Duration.ofMinutes(15));
    return healthConnect("d7c1a0e4-2f6b-4b8e-9a51-3c2e1f0a9b11", "StepsRecord", start, MORNING)
        .setSource(Source.newBuilder().setBundleId("com.google.android.apps.fitness").build())
        .setDevice(
            Device.newBuilder()
                .setManufacturer("Google")
                .setModel("Pixel 8")
                .setDeviceType(2)
                .build())
        .setVersion(
            RecordVersion.newBuilder()
                .setClientRecordId("steps-2026-03-14T08:00")
                .setClientRecordVersion(2L)
                .setLastModifiedTime(MORNING.plusSeconds(40))
                .build())
        .setRecordingMethod(RecordingMethod.AUTOMATICALLY_RECORDED)
        .setBody(
            HcInterval.newBuilder()
                .setMeasurements(List.of(measurement("count", 1342, "count")))
                .build());
  }

  /** Health Connect heart-rate series from a watch: five samples a minute apart. */
  public static WearableSample.Builder healthConnectHeartRateSeries() {
    Instant start = MORNING.minus(Duration.ofMinutes(5));
    double[] bpm = {68, 71, 75, 74, 70};
    List<HcSeriesSample> samples = new ArrayList<>();
    for (int i = 0; i < bpm.length; i++) {
      samples.add(
          HcSeriesSample.newBuilder()
              .setTime(start.plus(Duration.ofMinutes(i)))
              .setValue(bpm[i])
              .setUnit("beatsPerMinute")
              .build());
    }
    return healthConnect(
            "8f3e2d1c-0b9a-4e8d-b7c6-5a4f3e2d1c0b",
            "HeartRateRecord",
            start,
            start.plus(Duration.ofMinutes(4)))
        .setSource(Source.newBuilder().setBundleId("com.fitbit.FitbitMobile").build())
        .setDevice(SampleDevices.pixelWatch2())
        .setRecordingMethod(RecordingMethod.AUTOMATICALLY_RECORDED)
        .setBody(HcSeries.newBuilder().setSamples(samples).build());
  }

  /**
   * The {@link #healthConnectHeartRateSeries() series} at {@code clientRecordVersion}, last
   * modified that many seconds after {@link #MORNING}: a higher version is a newer edit.
   */
  public static WearableSample.Builder healthConnectHeartRateSeries(long clientRecordVersion) {
    return healthConnectHeartRateSeries().setVersion(healthConnectVersion(clientRecordVersion));
  }

  /**
   * A Health Connect record version {@code clientRecordVersion}, last modified that many seconds
   * after {@link #MORNING}.
   */
  public static RecordVersion healthConnectVersion(long clientRecordVersion) {
    return RecordVersion.newBuilder()
        .setClientRecordVersion(clientRecordVersion)
        .setLastModifiedTime(MORNING.plusSeconds(clientRecordVersion))
        .build();
  }

  /**
   * HealthKit steps ({@code count}) over the 15 minutes before {@link #MORNING}, in Paris, with the
   * heart-rate sample's source and device.
   */
  public static WearableSample.Builder healthKitSteps(String recordId, double count) {
    return healthKitHeartRate()
        .setRecordId(recordId)
        .setType("HKQuantityTypeIdentifierStepCount")
        .setStartTime(MORNING.minusSeconds(900))
        .setEndTime(MORNING)
        .setBody(HkQuantity.newBuilder().setValue(count).setUnit("count").build());
  }

  /** Health Connect blood pressure, entered by hand: 121/79 mmHg, sitting, left upper arm. */
  public static WearableSample.Builder healthConnectBloodPressure() {
    Instant at = MORNING.plus(Duration.ofMinutes(10));
    return healthConnect("4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e", "BloodPressureRecord", at, at)
        .setSource(Source.newBuilder().setBundleId("com.omronhealthcare.omronconnect").build())
        .setRecordingMethod(RecordingMethod.MANUAL_ENTRY)
        .setBody(
            HcInstantaneous.newBuilder()
                .setMeasurements(
                    List.of(
                        measurement("systolic", 121, "millimetersOfMercury"),
                        measurement("diastolic", 79, "millimetersOfMercury")))
                // BODY_POSITION_SITTING_DOWN = 2, MEASUREMENT_LOCATION_LEFT_UPPER_ARM = 3
                .setEnums(Map.of("bodyPosition", 2, "measurementLocation", 3))
                .build());
  }

  /** Health Connect sleep session 23:10-06:50 local with stages (light, deep, REM, awake). */
  public static WearableSample.Builder healthConnectSleepSession() {
    Instant start = Instant.parse("2026-03-13T22:10:00Z");
    Instant end = Instant.parse("2026-03-14T05:50:00Z");
    int[][] stages = {
      {0, 20, 4},
      {20, 95, 5},
      {95, 180, 4},
      {180, 240, 6},
      {240, 250, 1},
      {250, 400, 4},
      {400, 460, 6}
    };
    List<HcStage> stageList = new ArrayList<>();
    for (int[] s : stages) {
      stageList.add(
          HcStage.newBuilder()
              .setStartTime(start.plus(Duration.ofMinutes(s[0])))
              .setEndTime(start.plus(Duration.ofMinutes(s[1])))
              .setStage(s[2])
              .setKind("sleepStage")
              .build());
    }
    return healthConnect("6d7e8f9a-0b1c-4d2e-8f3a-4b5c6d7e8f9a", "SleepSessionRecord", start, end)
        .setSource(Source.newBuilder().setBundleId("com.samsung.android.shealth").build())
        .setDevice(
            Device.newBuilder()
                .setManufacturer("Samsung")
                .setModel("Galaxy Watch6")
                .setDeviceType(1)
                .build())
        .setBody(
            HcInterval.newBuilder()
                .setTexts(Map.of("title", "Night"))
                .setStages(stageList)
                .build());
  }

  /** One sample of every body kind. */
  public static List<WearableSample> oneOfEachKind() {
    return List.of(
        healthKitHeartRate().build(),
        healthKitHeartRateVariability().build(),
        healthKitBloodPressure().build(),
        healthKitSleepCore().build(),
        healthKitRun().build(),
        healthConnectSteps().build(),
        healthConnectHeartRateSeries().build(),
        healthConnectBloodPressure().build(),
        healthConnectSleepSession().build());
  }

  /**
   * The phone's deletion of {@code sample}'s record, learned a minute after the sample was
   * received.
   */
  public static WearableSample deletionOf(WearableSample sample) {
    return SampleDeletions.of(
        sample.getUserId(),
        sample.getPlatform(),
        sample.getRecordId(),
        sample.getType(),
        sample.getReceivedTime().plus(Duration.ofMinutes(1)));
  }

  /** A HealthKit sample the user's Apple Watch measured and wrote. */
  private static WearableSample.Builder healthKitFromAppleWatch(
      String uuid, String type, Instant start, Instant end) {
    return healthKit(uuid, type, start, end).setSource(appleWatchSource()).setDevice(appleWatch());
  }

  private static WearableSample.Builder healthKit(
      String uuid, String type, Instant start, Instant end) {
    return common(Platform.HEALTHKIT, uuid, type, start, end)
        .setTimeZone("Europe/Paris")
        .setCreationTime(end.plusSeconds(2));
  }

  private static WearableSample.Builder healthConnect(
      String id, String type, Instant start, Instant end) {
    return common(Platform.HEALTH_CONNECT, id, type, start, end);
  }

  private static WearableSample.Builder common(
      Platform platform, String recordId, String type, Instant start, Instant end) {
    return WearableSample.newBuilder()
        .setUserId(USER_ID)
        .setPlatform(platform)
        .setRecordId(recordId)
        .setType(type)
        .setStartTime(start)
        .setStartZoneOffsetSeconds(PARIS_OFFSET)
        .setEndTime(end)
        .setEndZoneOffsetSeconds(PARIS_OFFSET)
        .setReceivedTime(end.plusSeconds(30))
        .setVersion(RecordVersion.newBuilder().build());
  }

  private static Source appleWatchSource() {
    return Source.newBuilder()
        .setName("Sample’s Apple\u00a0Watch")
        .setBundleId("com.apple.health.81D5B4A1-6C07-4F67-8D2B-3A1F0E9C7B52")
        .setVersion("10.3")
        .setProductType("Watch6,1")
        .setOperatingSystemVersion("10.3")
        .build();
  }

  private static Device appleWatch() {
    return SampleDevices.appleWatch("10.3");
  }

  /**
   * One reading (systolic or diastolic, {@code type}) of a HealthKit blood-pressure correlation.
   */
  public static HkCorrelationMember bloodPressureMember(
      String uuid, String type, Instant at, double mmHg) {
    return HkCorrelationMember.newBuilder()
        .setRecordId(uuid)
        .setType(type)
        .setStartTime(at)
        .setEndTime(at)
        .setValue(mmHg)
        .setUnit("mmHg")
        .build();
  }

  private static RoutePoint routePoint(Instant time, double latitude, double longitude) {
    return RoutePoint.newBuilder()
        .setTime(time)
        .setLatitude(latitude)
        .setLongitude(longitude)
        .setAltitudeMeters(35.0)
        .setHorizontalAccuracyMeters(4.0)
        .setSpeedMetersPerSecond(2.8)
        .build();
  }

  private static HcMeasurement measurement(String field, double value, String unit) {
    return HcMeasurement.newBuilder().setField(field).setValue(value).setUnit(unit).build();
  }
}
