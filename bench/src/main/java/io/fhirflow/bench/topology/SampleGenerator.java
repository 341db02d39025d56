package io.fhirflow.bench.topology;

import io.fhirflow.schema.HcInstantaneous;
import io.fhirflow.schema.HcMeasurement;
import io.fhirflow.schema.HcSeries;
import io.fhirflow.schema.HcSeriesSample;
import io.fhirflow.schema.HkCorrelation;
import io.fhirflow.schema.HkCorrelationMember;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.RecordingMethod;
import io.fhirflow.schema.Source;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.SampleDevices;
import io.fhirflow.testkit.WearableSamples;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A deterministic stream of realistic raw samples: many users, HealthKit and Health Connect, the
 * types the built-in catalogue maps (heart rate singles and series, steps, blood pressure), and a
 * share of exact re-sends (the duplicates a phone's retry or a gateway's redelivery produce).
 *
 * <p>Samples come in sync batches, as phones upload them (QUIRKS.md: grouped by sync batch, newest
 * first): one user at a time, 10 to 90 samples of that user. Where in time a batch's samples lie is
 * the {@link Shape}.
 */
public final class SampleGenerator {

  /** Where a user's samples lie in time. */
  public enum Shape {
    /**
     * Each sample anywhere in the last 3 days, out of order: a back-fill. A user's ~50 samples of a
     * benchmark run are spread over 72 hours, so nearly every heart-rate sample is alone in its
     * hour of its user (the summaries' worst case: one hourly summary per heart-rate sample).
     */
    BACKFILL,
    /**
     * Each user's samples follow one another in time, 3 minutes apart on average (a uniform gap of
     * 0-6 min), from a start in the first of the last 3 days: with the mix's 60 % heart-rate
     * samples, ~12 heart-rate samples per hour, as a watch records them (the real exports in
     * ../shared/datasets: a Garmin 28.5 a covered hour, an Apple Watch excerpt 18.4, median 12).
     */
    DENSE
  }

  private final SplittableRandom random;
  private final int users;
  private final double duplicateShare;
  private final double deletionShare;
  private final Instant now;
  private final Shape shape;
  private final Map<Integer, Instant> userClocks = new HashMap<>();
  private final List<WearableSample> recent = new ArrayList<>();
  private long sequence;
  private int batchUser;
  private int batchLeft;

  SampleGenerator(long seed, int users, double duplicateShare, Instant now) {
    this(seed, users, duplicateShare, 0, now, Shape.BACKFILL);
  }

  public SampleGenerator(
      long seed, int users, double duplicateShare, double deletionShare, Instant now, Shape shape) {
    this.random = new SplittableRandom(seed);
    this.users = users;
    this.duplicateShare = duplicateShare;
    this.deletionShare = deletionShare;
    this.now = now;
    this.shape = shape;
  }

  /**
   * The next sample; with probability {@code deletionShare} the phone's deletion of a recent one
   * (which then leaves the pool of re-sends), with probability {@code duplicateShare} an exact copy
   * of a recent one.
   */
  public WearableSample next() {
    if (deletionShare > 0 && !recent.isEmpty() && random.nextDouble() < deletionShare) {
      int i = random.nextInt(recent.size());
      WearableSample deleted = recent.get(i);
      recent.set(i, recent.get(recent.size() - 1));
      recent.remove(recent.size() - 1);
      return io.fhirflow.testkit.WearableSamples.deletionOf(deleted);
    }
    if (!recent.isEmpty() && random.nextDouble() < duplicateShare) {
      return recent.get(random.nextInt(recent.size()));
    }
    WearableSample s = fresh();
    if (recent.size() < 10_000) {
      recent.add(s);
    } else {
      recent.set(random.nextInt(recent.size()), s);
    }
    return s;
  }

  private WearableSample fresh() {
    sequence++;
    if (batchLeft-- <= 0) {
      batchUser = random.nextInt(users);
      batchLeft = 10 + random.nextInt(80);
    }
    String user = "user-" + batchUser;
    Instant t = shape == Shape.DENSE ? nextDenseTime(batchUser) : backfillTime();
    double kind = random.nextDouble();
    if (kind < 0.45) {
      return healthKit(user, "HKQuantityTypeIdentifierHeartRate", t, t)
          .setBody(
              HkQuantity.newBuilder()
                  .setValue(50 + random.nextInt(100))
                  .setUnit("count/min")
                  .build())
          .build();
    } else if (kind < 0.70) {
      Instant start = t.minus(Duration.ofMinutes(15));
      return healthKit(user, "HKQuantityTypeIdentifierStepCount", start, t.minusSeconds(1))
          .setBody(HkQuantity.newBuilder().setValue(random.nextInt(2000)).setUnit("count").build())
          .build();
    } else if (kind < 0.85) {
      List<HcSeriesSample> points = new ArrayList<>(6);
      for (int i = 0; i < 6; i++) {
        points.add(
            HcSeriesSample.newBuilder()
                .setTime(t.plusSeconds(10L * i))
                .setValue(55 + random.nextInt(90))
                .setUnit("beatsPerMinute")
                .build());
      }
      return healthConnect(user, "HeartRateRecord", t, t.plusSeconds(50))
          .setBody(HcSeries.newBuilder().setSamples(points).build())
          .build();
    } else if (kind < 0.925) {
      double sys = 100 + random.nextInt(50);
      double dia = 60 + random.nextInt(30);
      return healthKit(user, "HKCorrelationTypeIdentifierBloodPressure", t, t)
          .setBody(
              HkCorrelation.newBuilder()
                  .setMembers(
                      List.of(
                          member("HKQuantityTypeIdentifierBloodPressureSystolic", t, sys),
                          member("HKQuantityTypeIdentifierBloodPressureDiastolic", t, dia)))
                  .build())
          .build();
    } else {
      return healthConnect(user, "BloodPressureRecord", t, t)
          .setRecordingMethod(RecordingMethod.MANUAL_ENTRY)
          .setBody(
              HcInstantaneous.newBuilder()
                  .setMeasurements(
                      List.of(
                          measurement("systolic", 100 + random.nextInt(50), "millimetersOfMercury"),
                          measurement(
                              "diastolic", 60 + random.nextInt(30), "millimetersOfMercury")))
                  .build())
          .build();
    }
  }

  private Instant backfillTime() {
    return now.minusSeconds(random.nextLong(3 * 86_400L));
  }

  /** The user's next sample time: 0-6 minutes after their previous one. */
  private Instant nextDenseTime(int user) {
    Instant previous = userClocks.get(user);
    Instant t =
        previous == null
            ? now.minusSeconds(2 * 86_400L + random.nextLong(86_400L))
            : previous.plusSeconds(random.nextLong(361));
    if (t.isAfter(now)) {
      // A very long run: the user's clock starts over in the first day rather than go future.
      t = now.minusSeconds(2 * 86_400L + random.nextLong(86_400L));
    }
    userClocks.put(user, t);
    return t;
  }

  private WearableSample.Builder healthKit(String user, String type, Instant start, Instant end) {
    return common(user, Platform.HEALTHKIT, type, start, end)
        .setTimeZone("Europe/Paris")
        .setCreationTime(end.plusSeconds(random.nextLong(3 * 86_400L)))
        .setSource(
            Source.newBuilder()
                .setName("Apple Watch")
                .setBundleId("com.apple.health.81D5B4A1")
                .setVersion("10.3")
                .setProductType("Watch6,1")
                .build())
        .setDevice(SampleDevices.appleWatch("10.3"))
        .setRecordingMethod(RecordingMethod.AUTOMATICALLY_RECORDED)
        .setMetadata(Map.of("HKTimeZone", "Europe/Paris"));
  }

  private WearableSample.Builder healthConnect(
      String user, String type, Instant start, Instant end) {
    return common(user, Platform.HEALTH_CONNECT, type, start, end)
        .setSource(Source.newBuilder().setBundleId("com.google.android.apps.fitness").build())
        .setDevice(SampleDevices.pixelWatch2())
        .setVersion(
            RecordVersion.newBuilder()
                .setClientRecordVersion(1L)
                .setLastModifiedTime(end.plusSeconds(30))
                .build())
        .setRecordingMethod(RecordingMethod.AUTOMATICALLY_RECORDED);
  }

  private WearableSample.Builder common(
      String user, Platform platform, String type, Instant start, Instant end) {
    return WearableSample.newBuilder()
        .setUserId(user)
        .setPlatform(platform)
        .setRecordId(new UUID(0x5eedL, sequence).toString())
        .setType(type)
        .setStartTime(start)
        .setStartZoneOffsetSeconds(3600)
        .setEndTime(end)
        .setEndZoneOffsetSeconds(3600)
        .setReceivedTime(end.plusSeconds(30))
        .setVersion(RecordVersion.newBuilder().build());
  }

  private HkCorrelationMember member(String type, Instant at, double mmHg) {
    return WearableSamples.bloodPressureMember(
        new UUID(0xb9L, sequence * 2 + (type.endsWith("Systolic") ? 0 : 1)).toString(),
        type,
        at,
        mmHg);
  }

  private static HcMeasurement measurement(String field, double value, String unit) {
    return HcMeasurement.newBuilder().setField(field).setValue(value).setUnit(unit).build();
  }
}
