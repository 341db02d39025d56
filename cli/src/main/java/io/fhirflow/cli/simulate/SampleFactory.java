package io.fhirflow.cli.simulate;

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
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.RecordingMethod;
import io.fhirflow.schema.Source;
import io.fhirflow.schema.WearableSample;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Builds realistic samples of one kind for one user at one time, shaped as each platform sends
 * them: HealthKit quantity/category samples and a blood-pressure correlation, Health Connect
 * series, interval and instantaneous records. Values follow the time of day (lower heart rate and
 * no steps at night), SpO2 is a fraction on HealthKit and a percentage on Health Connect, as the
 * real platforms do.
 */
final class SampleFactory {

  private static final Device APPLE_WATCH =
      device("Apple Watch", "Apple Inc.", "Watch", "Watch6,1", "10.1", null);
  private static final Device IPHONE =
      device("iPhone", "Apple Inc.", "iPhone", "iPhone14,2", "17.1", null);
  private static final Device OMRON = device("Omron Evolv", "Omron", "BP7000", null, null, null);
  private static final Device WITHINGS = device("Body+", "Withings", "WBS05", null, null, null);
  private static final Device PIXEL_WATCH = device(null, "Google", "Pixel Watch 2", null, null, 1);
  private static final Device PHONE = device(null, "samsung", "SM-S918B", null, null, 2);
  private static final Device SCALE = device(null, "Withings", "Body+", null, null, 3);

  private final Random random;

  SampleFactory(Random random) {
    this.random = random;
  }

  /**
   * The samples a phone syncs for this kind at this time (several for a HealthKit night of sleep).
   */
  List<WearableSample> create(SimulatedUser user, SampleKind kind, Instant time, Instant received) {
    boolean hk = user.platform() == Platform.HEALTHKIT;
    return switch (kind) {
      case HEART_RATE ->
          List.of(hk ? hkHeartRate(user, time, received) : hcHeartRate(user, time, received));
      case STEPS -> List.of(steps(user, time, received, hk));
      case SPO2 -> List.of(spo2(user, time, received, hk));
      case BLOOD_PRESSURE ->
          List.of(
              hk ? hkBloodPressure(user, time, received) : hcBloodPressure(user, time, received));
      case WEIGHT -> List.of(weight(user, time, received, hk));
      case SLEEP -> hk ? hkSleep(user, time, received) : List.of(hcSleep(user, time, received));
    };
  }

  private WearableSample hkHeartRate(SimulatedUser user, Instant time, Instant received) {
    return hk(
        user,
        "HKQuantityTypeIdentifierHeartRate",
        time,
        time,
        received,
        APPLE_WATCH,
        "com.apple.health",
        quantity(round1(heartRate(user, time)), "count/min"),
        Map.of("HKMetadataKeyHeartRateMotionContext", "1"));
  }

  private WearableSample hcHeartRate(SimulatedUser user, Instant time, Instant received) {
    List<HcSeriesSample> samples = new ArrayList<>();
    Instant start = time.minusSeconds(300);
    for (int i = 0; i < 20; i++) {
      Instant t = start.plusSeconds(15L * i);
      samples.add(
          HcSeriesSample.newBuilder()
              .setTime(t)
              .setValue(Math.round(heartRate(user, t)))
              .setUnit("beatsPerMinute")
              .build());
    }
    HcSeries body =
        HcSeries.newBuilder()
            .setSamples(samples)
            .setMeasurements(List.of())
            .setEnums(Map.of())
            .build();
    return fromPixelWatch(user, "HeartRateRecord", start, time, received, body);
  }

  private WearableSample steps(SimulatedUser user, Instant time, Instant received, boolean hk) {
    int hour = local(user, time).getHour();
    double expected =
        hour < 7 || hour >= 23 ? 0 : user.stepsPerHour() / 4 * (0.3 + random.nextDouble() * 1.4);
    long count = Math.max(0, Math.round(expected));
    // HealthKit writes inclusive ends (09:00:00-09:14:59); Health Connect half-open intervals.
    if (hk) {
      return hk(
          user,
          "HKQuantityTypeIdentifierStepCount",
          time,
          time.plusSeconds(899),
          received,
          IPHONE,
          "com.apple.health",
          quantity(count, "count"),
          Map.of());
    }
    HcInterval body = interval(List.of(measurement("count", count, "count")), List.of());
    return hc(
        user,
        "StepsRecord",
        time,
        time.plusSeconds(900),
        received,
        PHONE,
        "com.sec.android.app.shealth",
        body,
        RecordingMethod.AUTOMATICALLY_RECORDED);
  }

  private WearableSample spo2(SimulatedUser user, Instant time, Instant received, boolean hk) {
    double percent = Math.min(100, 95 + random.nextDouble() * 4 + random.nextGaussian() * 0.4);
    if (hk) {
      // HealthKit's % unit carries a fraction (0.97), a real quirk the mapping must scale.
      return hk(
          user,
          "HKQuantityTypeIdentifierOxygenSaturation",
          time,
          time,
          received,
          APPLE_WATCH,
          "com.apple.health",
          quantity(Math.round(percent) / 100.0, "%"),
          Map.of());
    }
    HcInstantaneous body =
        instantaneous(List.of(measurement("percentage", round1(percent), "percent")), Map.of());
    return fromPixelWatch(user, "OxygenSaturationRecord", time, time, received, body);
  }

  private WearableSample hkBloodPressure(SimulatedUser user, Instant time, Instant received) {
    double sys = Math.round(user.systolic() + random.nextGaussian() * 7);
    double dia = Math.round(user.diastolic() + random.nextGaussian() * 5);
    List<HkCorrelationMember> members =
        List.of(
            member("HKQuantityTypeIdentifierBloodPressureDiastolic", time, dia),
            member("HKQuantityTypeIdentifierBloodPressureSystolic", time, sys));
    return hk(
        user,
        "HKCorrelationTypeIdentifierBloodPressure",
        time,
        time,
        received,
        OMRON,
        "jp.co.omron.healthcare.omronconnect",
        HkCorrelation.newBuilder().setMembers(members).build(),
        Map.of());
  }

  private WearableSample hcBloodPressure(SimulatedUser user, Instant time, Instant received) {
    double sys = Math.round(user.systolic() + random.nextGaussian() * 7);
    double dia = Math.round(user.diastolic() + random.nextGaussian() * 5);
    HcInstantaneous body =
        instantaneous(
            List.of(
                measurement("systolic", sys, "millimetersOfMercury"),
                measurement("diastolic", dia, "millimetersOfMercury")),
            Map.of("bodyPosition", 2, "measurementLocation", 3));
    return hc(
        user,
        "BloodPressureRecord",
        time,
        time,
        received,
        null,
        "com.omronhealthcare.omronconnect",
        body,
        RecordingMethod.ACTIVELY_RECORDED);
  }

  private WearableSample weight(SimulatedUser user, Instant time, Instant received, boolean hk) {
    double kg = Math.round((user.weightKg() + random.nextGaussian() * 0.4) * 10) / 10.0;
    if (hk) {
      return hk(
          user,
          "HKQuantityTypeIdentifierBodyMass",
          time,
          time,
          received,
          WITHINGS,
          "com.withings.wiScaleNG",
          quantity(kg, "kg"),
          Map.of());
    }
    return hc(
        user,
        "WeightRecord",
        time,
        time,
        received,
        SCALE,
        "com.withings.wiscale2",
        instantaneous(List.of(measurement("weight", kg, "kilograms")), Map.of()),
        RecordingMethod.AUTOMATICALLY_RECORDED);
  }

  /**
   * A night ending at {@code time}: InBed plus Core/Deep/REM/Awake segments in 90-minute cycles.
   */
  private List<WearableSample> hkSleep(SimulatedUser user, Instant wake, Instant received) {
    Instant bed = wake.minus(sleepLength());
    List<WearableSample> night = new ArrayList<>();
    night.add(
        hk(
            user,
            "HKCategoryTypeIdentifierSleepAnalysis",
            bed,
            wake,
            received,
            APPLE_WATCH,
            "com.apple.health",
            category(0, "HKCategoryValueSleepAnalysisInBed"),
            Map.of()));
    for (Stage stage : stages(bed.plusSeconds(600), wake)) {
      int value =
          switch (stage.hcStage) {
            case 5 -> 4;
            case 6 -> 5;
            case 1 -> 2;
            default -> 3;
          };
      String label =
          switch (value) {
            case 4 -> "HKCategoryValueSleepAnalysisAsleepDeep";
            case 5 -> "HKCategoryValueSleepAnalysisAsleepREM";
            case 2 -> "HKCategoryValueSleepAnalysisAwake";
            default -> "HKCategoryValueSleepAnalysisAsleepCore";
          };
      night.add(
          hk(
              user,
              "HKCategoryTypeIdentifierSleepAnalysis",
              stage.start,
              stage.end,
              received,
              APPLE_WATCH,
              "com.apple.health",
              category(value, label),
              Map.of()));
    }
    return night;
  }

  private WearableSample hcSleep(SimulatedUser user, Instant wake, Instant received) {
    Instant bed = wake.minus(sleepLength());
    List<HcStage> stages = new ArrayList<>();
    for (Stage s : stages(bed.plusSeconds(600), wake)) {
      stages.add(
          HcStage.newBuilder().setStartTime(s.start).setEndTime(s.end).setStage(s.hcStage).build());
    }
    HcInterval body =
        HcInterval.newBuilder()
            .setMeasurements(List.of())
            .setEnums(Map.of())
            .setTexts(Map.of("title", "Night"))
            .setStages(stages)
            .build();
    return fromPixelWatch(user, "SleepSessionRecord", bed, wake, received, body);
  }

  private record Stage(Instant start, Instant end, int hcStage) {}

  /**
   * Health Connect stage codes: 4 light, 5 deep, 6 REM, 1 awake; deep early in the night, REM late.
   */
  private List<Stage> stages(Instant from, Instant to) {
    List<Stage> out = new ArrayList<>();
    Instant t = from;
    int cycle = 0;
    while (t.isBefore(to)) {
      int[] pattern = cycle < 2 ? new int[] {4, 5, 4, 6} : new int[] {4, 6, 1};
      for (int stage : pattern) {
        long minutes =
            switch (stage) {
              case 5 -> 20 + random.nextInt(25);
              case 6 -> 10 + random.nextInt(15) + cycle * 5L;
              case 1 -> 2 + random.nextInt(6);
              default -> 20 + random.nextInt(20);
            };
        Instant end = t.plus(Duration.ofMinutes(minutes));
        if (!end.isBefore(to)) {
          end = to;
        }
        out.add(new Stage(t, end, stage));
        t = end;
        if (!t.isBefore(to)) {
          break;
        }
      }
      cycle++;
    }
    return out;
  }

  private Duration sleepLength() {
    return Duration.ofMinutes(390 + random.nextInt(120));
  }

  private double heartRate(SimulatedUser user, Instant time) {
    int hour = local(user, time).getHour();
    double activity =
        hour < 6 || hour >= 23
            ? -6
            : hour >= 17 && hour < 19 ? 25 * random.nextDouble() : 12 * random.nextDouble();
    return Math.max(38, user.restingHeartRate() + activity + random.nextGaussian() * 3);
  }

  private static ZonedDateTime local(SimulatedUser user, Instant time) {
    return time.atZone(user.zone());
  }

  private WearableSample hk(
      SimulatedUser user,
      String type,
      Instant start,
      Instant end,
      Instant received,
      Device device,
      String bundleId,
      Object body,
      Map<String, String> metadata) {
    Map<String, String> meta = new HashMap<>(metadata);
    meta.put("HKTimeZone", user.zone().getId());
    return base(
            user,
            UUID.nameUUIDFromBytes(longBytes()).toString().toUpperCase(java.util.Locale.ROOT),
            type,
            start,
            end,
            received)
        .setSource(
            Source.newBuilder()
                .setName(hkSourceName(device))
                .setBundleId(bundleId)
                .setVersion("10.1")
                .setProductType(device == null ? null : device.getHardwareVersion())
                .setOperatingSystemVersion("17.1")
                .build())
        .setDevice(device)
        .setTimeZone(user.zone().getId())
        .setVersion(version(null, null))
        .setRecordingMethod(RecordingMethod.UNKNOWN)
        .setMetadata(meta)
        .setBody(body)
        .build();
  }

  /** HealthKit source names are what the person called the device, or the app's name. */
  private static String hkSourceName(Device device) {
    if (device == APPLE_WATCH) {
      return "Sample’s Apple\u00a0Watch";
    }
    return device == IPHONE ? "Sample’s iPhone" : device.getManufacturer() + " app";
  }

  /** A Health Connect record the Pixel Watch took automatically, synced by Google Fit. */
  private WearableSample fromPixelWatch(
      SimulatedUser user, String type, Instant start, Instant end, Instant received, Object body) {
    return hc(
        user,
        type,
        start,
        end,
        received,
        PIXEL_WATCH,
        "com.google.android.apps.fitness",
        body,
        RecordingMethod.AUTOMATICALLY_RECORDED);
  }

  private WearableSample hc(
      SimulatedUser user,
      String type,
      Instant start,
      Instant end,
      Instant received,
      Device device,
      String packageName,
      Object body,
      RecordingMethod method) {
    return base(user, UUID.nameUUIDFromBytes(longBytes()).toString(), type, start, end, received)
        .setSource(
            Source.newBuilder()
                .setName(null)
                .setBundleId(packageName)
                .setVersion(null)
                .setProductType(null)
                .setOperatingSystemVersion(null)
                .build())
        .setDevice(device)
        .setTimeZone(null)
        .setVersion(
            RecordVersion.newBuilder()
                .setClientRecordId("c-" + Long.toHexString(random.nextLong()))
                .setClientRecordVersion(1L)
                .setLastModifiedTime(received)
                .setSyncIdentifier(null)
                .setSyncVersion(null)
                .build())
        .setRecordingMethod(method)
        .setMetadata(Map.of())
        .setBody(body)
        .build();
  }

  private WearableSample.Builder base(
      SimulatedUser user,
      String recordId,
      String type,
      Instant start,
      Instant end,
      Instant received) {
    return WearableSample.newBuilder()
        .setUserId(user.id())
        .setPlatform(user.platform())
        .setRecordId(recordId)
        .setType(type)
        .setStartTime(start)
        .setStartZoneOffsetSeconds(user.zone().getRules().getOffset(start).getTotalSeconds())
        .setEndTime(end)
        .setEndZoneOffsetSeconds(user.zone().getRules().getOffset(end).getTotalSeconds())
        .setReceivedTime(received)
        .setCreationTime(user.platform() == Platform.HEALTHKIT ? end : null);
  }

  private byte[] longBytes() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return bytes;
  }

  private HkCorrelationMember member(String type, Instant time, double value) {
    return HkCorrelationMember.newBuilder()
        .setRecordId(
            UUID.nameUUIDFromBytes(longBytes()).toString().toUpperCase(java.util.Locale.ROOT))
        .setType(type)
        .setStartTime(time)
        .setEndTime(time)
        .setValue(value)
        .setUnit("mmHg")
        .setMetadata(Map.of())
        .build();
  }

  private static RecordVersion version(String clientRecordId, Long clientRecordVersion) {
    return RecordVersion.newBuilder()
        .setClientRecordId(clientRecordId)
        .setClientRecordVersion(clientRecordVersion)
        .setLastModifiedTime(null)
        .setSyncIdentifier(null)
        .setSyncVersion(null)
        .build();
  }

  private static HkQuantity quantity(double value, String unit) {
    return HkQuantity.newBuilder().setValue(value).setUnit(unit).setCount(null).build();
  }

  private static HkCategory category(int value, String label) {
    return HkCategory.newBuilder().setValue(value).setValueLabel(label).build();
  }

  private static HcMeasurement measurement(String field, double value, String unit) {
    return HcMeasurement.newBuilder().setField(field).setValue(value).setUnit(unit).build();
  }

  private static HcInstantaneous instantaneous(
      List<HcMeasurement> measurements, Map<String, Integer> enums) {
    return HcInstantaneous.newBuilder()
        .setMeasurements(measurements)
        .setEnums(enums)
        .setTexts(Map.of())
        .build();
  }

  private static HcInterval interval(List<HcMeasurement> measurements, List<HcStage> stages) {
    return HcInterval.newBuilder()
        .setMeasurements(measurements)
        .setEnums(Map.of())
        .setTexts(Map.of())
        .setStages(stages)
        .build();
  }

  private static Device device(
      String name,
      String manufacturer,
      String model,
      String hardware,
      String software,
      Integer type) {
    return Device.newBuilder()
        .setName(name)
        .setManufacturer(manufacturer)
        .setModel(model)
        .setHardwareVersion(hardware)
        .setFirmwareVersion(null)
        .setSoftwareVersion(software)
        .setLocalIdentifier(null)
        .setUdiDeviceIdentifier(null)
        .setDeviceType(type)
        .build();
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
