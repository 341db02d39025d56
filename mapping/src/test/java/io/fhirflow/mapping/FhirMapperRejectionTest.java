package io.fhirflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.mapping.testing.Samples;
import io.fhirflow.schema.HcSeries;
import io.fhirflow.schema.HkCategory;
import io.fhirflow.schema.HkCorrelation;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.HkWorkout;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.RoutePoint;
import io.fhirflow.schema.WearableSample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input becomes a typed rejection with a reason code and a detail free of values and ids. */
class FhirMapperRejectionTest {
  private static final FhirMapper MAPPER = new FhirMapper(MappingCatalogue.builtIn());
  private static final String HEART_RATE = "HKQuantityTypeIdentifierHeartRate";

  private static Rejection rejected(WearableSample sample, RejectReason reason) {
    MappingOutcome outcome = MAPPER.map(sample, false);
    assertThat(outcome).isInstanceOf(Rejection.class);
    Rejection rejection = (Rejection) outcome;
    assertThat(rejection.reason()).isEqualTo(reason);
    assertThat(MAPPER.validate(sample)).contains(rejection);
    for (String id : List.of(sample.getRecordId(), sample.getUserId())) {
      if (!id.isBlank()) {
        assertThat(rejection.detail()).doesNotContain(id);
      }
    }
    return rejection;
  }

  @Test
  void rejectsAZoneOffsetBeyondEighteenHoursInsteadOfThrowing() {
    WearableSample start = Samples.hkQuantity(HEART_RATE, 72, "count/min");
    start.setStartZoneOffsetSeconds(18 * 3600 + 1);
    rejected(start, RejectReason.OUT_OF_RANGE);
    WearableSample end = Samples.hkQuantity(HEART_RATE, 72, "count/min");
    end.setEndZoneOffsetSeconds(-100_000);
    rejected(end, RejectReason.OUT_OF_RANGE);
    WearableSample widest = Samples.hkQuantity(HEART_RATE, 72, "count/min");
    widest.setStartZoneOffsetSeconds(-18 * 3600);
    widest.setEndZoneOffsetSeconds(18 * 3600);
    assertThat(MAPPER.map(widest, false)).isInstanceOf(Mapped.class);
  }

  @Test
  void rejectsATypeTheCatalogueLacksAsUnknownType() {
    rejected(
        Samples.hkQuantity("HKQuantityTypeIdentifierInventedByAGateway", 12, "count"),
        RejectReason.UNKNOWN_TYPE);
  }

  @Test
  void rejectsATypeListedAsUnsupportedWithItsOwnReason() {
    Rejection rejection =
        rejected(
            Samples.hkQuantity("HKQuantityTypeIdentifierNikeFuel", 12, "count"),
            RejectReason.UNSUPPORTED_TYPE);
    assertThat(rejection.detail()).contains("HKQuantityTypeIdentifierNikeFuel");
  }

  @Test
  void rejectsAUnitTheEntryDoesNotAcceptAsUnconvertible() {
    Rejection rejection =
        rejected(Samples.hkQuantity(HEART_RATE, 72, "kg"), RejectReason.UNCONVERTIBLE_UNIT);
    assertThat(rejection.detail()).contains("kg");
    Rejection odd =
        rejected(
            Samples.hkQuantity(HEART_RATE, 72, "beats\nper minute"),
            RejectReason.UNCONVERTIBLE_UNIT);
    assertThat(odd.detail()).contains("beats?per?minute").doesNotContain("\n");
  }

  @Test
  void rejectsTextTheStoreCannotHoldWhereverItIsAndNamesOnlyTheField() {
    WearableSample hr = Samples.hkQuantity(HEART_RATE, 72, "count/min");
    Rejection nul =
        rejected(
            WearableSample.newBuilder(hr)
                .setMetadata(Map.of("HKMetadataKeyNote", "before\u0000after"))
                .build(),
            RejectReason.INVALID_TEXT);
    assertThat(nul.detail()).startsWith("metadata ").doesNotContain("before");
    rejected(
        WearableSample.newBuilder(hr).setMetadata(Map.of("key\u0000", "v")).build(),
        RejectReason.INVALID_TEXT);
    Rejection surrogate =
        rejected(
            WearableSample.newBuilder(hr)
                .setSource(
                    io.fhirflow.schema.Source.newBuilder(hr.getSource())
                        .setName("Zo\uD83D Watch")
                        .build())
                .build(),
            RejectReason.INVALID_TEXT);
    assertThat(surrogate.detail()).startsWith("source.name ");
    rejected(
        WearableSample.newBuilder(hr).setUserId("user\u0000").build(), RejectReason.INVALID_TEXT);
    rejected(
        WearableSample.newBuilder(hr).setRecordId("\uDC00id").build(), RejectReason.INVALID_TEXT);
    assertThat(
            MAPPER.map(
                WearableSample.newBuilder(hr)
                    .setSource(
                        io.fhirflow.schema.Source.newBuilder(hr.getSource())
                            .setName("Zoë’s \uD83D\uDE00 Watch")
                            .build())
                    .build(),
                false))
        .isInstanceOf(Mapped.class);
  }

  @Test
  void rejectsANumberTheMapperDoesNotMapYetWhenItIsNotFinite() {
    WearableSample hr = Samples.hkQuantity(HEART_RATE, 72, "count/min");
    HkQuantity body = (HkQuantity) hr.getBody();
    Rejection min =
        rejected(
            WearableSample.newBuilder(hr)
                .setBody(HkQuantity.newBuilder(body).setMinimum(Double.NaN).build())
                .build(),
            RejectReason.NOT_FINITE);
    assertThat(min.detail()).isEqualTo("body.minimum is not finite");
    rejected(
        WearableSample.newBuilder(hr)
            .setBody(HkQuantity.newBuilder(body).setMaximum(Double.NEGATIVE_INFINITY).build())
            .build(),
        RejectReason.NOT_FINITE);
  }

  @Test
  void aValueThatOverflowsInConversionIsOutOfRangeNotAnError() {
    rejected(
        Samples.hkQuantity("HKQuantityTypeIdentifierBodyMass", 1e308, "lb"),
        RejectReason.OUT_OF_RANGE);
    rejected(
        Samples.hkQuantity("HKQuantityTypeIdentifierBodyMass", -1e308, "lb"),
        RejectReason.OUT_OF_RANGE);
    rejected(
        Samples.hkQuantity("HKQuantityTypeIdentifierBodyTemperature", Double.MAX_VALUE, "degF"),
        RejectReason.OUT_OF_RANGE);
    rejected(Samples.hkQuantity(HEART_RATE, 1e308, "count/s"), RejectReason.OUT_OF_RANGE);
  }

  @Test
  void aTimeNoFhirDateTimeCanWriteIsOutOfRange() {
    java.time.Instant far = java.time.Instant.parse("+10000-01-01T00:00:00Z");
    rejected(
        WearableSample.newBuilder(Samples.hkQuantity(HEART_RATE, 72, "count/min"))
            .setStartTime(far)
            .setEndTime(far)
            .build(),
        RejectReason.OUT_OF_RANGE);
  }

  @Test
  void checksFieldsNoEntryMapsInsideListsAndUnionsAndNamesTheirPath() {
    WearableSample workout = Samples.hkWorkout("HKWorkoutActivityTypeRunning", 30, List.of());
    HkWorkout body = (HkWorkout) workout.getBody();
    RoutePoint point =
        RoutePoint.newBuilder()
            .setTime(Samples.START)
            .setLatitude(52.5)
            .setLongitude(13.4)
            .setCourseDegrees(Double.NaN)
            .build();
    Rejection route =
        rejected(
            WearableSample.newBuilder(workout)
                .setBody(HkWorkout.newBuilder(body).setRoute(List.of(point)).build())
                .build(),
            RejectReason.NOT_FINITE);
    assertThat(route.detail()).isEqualTo("body.route.courseDegrees is not finite");

    WearableSample hr = Samples.hkQuantity(HEART_RATE, 72, "count/min");
    Rejection modified =
        rejected(
            WearableSample.newBuilder(hr)
                .setVersion(
                    RecordVersion.newBuilder()
                        .setLastModifiedTime(java.time.Instant.parse("+10000-01-01T00:00:00Z"))
                        .build())
                .build(),
            RejectReason.OUT_OF_RANGE);
    assertThat(modified.detail())
        .isEqualTo("version.lastModifiedTime lies outside the years 0001-9999");
  }

  @Test
  void rejectsNanAndInfinityAsNotFinite() {
    rejected(Samples.hkQuantity(HEART_RATE, Double.NaN, "count/min"), RejectReason.NOT_FINITE);
    rejected(
        Samples.hkQuantity(HEART_RATE, Double.POSITIVE_INFINITY, "count/min"),
        RejectReason.NOT_FINITE);
    rejected(
        Samples.hcSeries("HeartRateRecord", "beatsPerMinute", 70, Double.NaN),
        RejectReason.NOT_FINITE);
  }

  @Test
  void rejectsASampleThatEndsBeforeItStarts() {
    WearableSample sample =
        Samples.healthKit(HEART_RATE, "hk-1", Samples.quantity(70.0, "count/min"))
            .setEndTime(Samples.START.minusSeconds(1))
            .build();
    rejected(sample, RejectReason.END_BEFORE_START);
  }

  @Test
  void rejectsAValueOutsideThePhysicallyPossibleRangeAfterConversion() {
    Rejection rejection =
        rejected(Samples.hkQuantity(HEART_RATE, 412, "count/min"), RejectReason.OUT_OF_RANGE);
    assertThat(rejection.detail()).doesNotContain("412");
    // 1.5 as a HealthKit fraction is 150 %: impossible for SpO2.
    rejected(
        Samples.hkQuantity("HKQuantityTypeIdentifierOxygenSaturation", 1.5, "%"),
        RejectReason.OUT_OF_RANGE);
    // 6 count/s is 360 /min.
    rejected(Samples.hkQuantity(HEART_RATE, 6, "count/s"), RejectReason.OUT_OF_RANGE);
  }

  @Test
  void rejectsAMissingRecordIdOrUserId() {
    rejected(
        Samples.healthKit(HEART_RATE, " ", Samples.quantity(70.0, "count/min")).build(),
        RejectReason.MISSING_ID);
    rejected(
        Samples.healthKit(HEART_RATE, "hk-2", Samples.quantity(70.0, "count/min"))
            .setUserId("")
            .build(),
        RejectReason.MISSING_ID);
  }

  @Test
  void rejectsABodyThatDoesNotFitTheTypeAsInvalidShape() {
    rejected(
        Samples.healthKit(HEART_RATE, "hk-3", new HkCategory(1, null)).build(),
        RejectReason.INVALID_SHAPE);
    rejected(
        Samples.healthConnect(
                "HeartRateRecord", "hc-1", new HcSeries(List.of(), List.of(), Map.of()))
            .setEndTime(Samples.END)
            .build(),
        RejectReason.INVALID_SHAPE);
    rejected(
        Samples.healthKit(
                "HKCorrelationTypeIdentifierBloodPressure",
                "hk-4",
                new HkCorrelation(
                    List.of(
                        Samples.member(
                            "s", "HKQuantityTypeIdentifierBloodPressureSystolic", 120, "mmHg"))))
            .build(),
        RejectReason.INVALID_SHAPE);
    rejected(
        Samples.hcInterval(
            "SleepSessionRecord",
            List.of(),
            Map.of(),
            List.of(
                Samples.stage(Samples.START.minusSeconds(60), Samples.START.plusSeconds(60), 5))),
        RejectReason.INVALID_SHAPE);
    rejected(Samples.hcInstant("WeightRecord", List.of(), Map.of()), RejectReason.INVALID_SHAPE);
    rejected(
        Samples.hkCategory("HKCategoryTypeIdentifierHeadache", 9, null),
        RejectReason.INVALID_SHAPE);
  }

  @Test
  void givesEveryReasonAStableCode() {
    for (RejectReason reason : RejectReason.values()) {
      assertThat(reason.code()).isEqualTo(reason.name()).matches("[A-Z_]+");
    }
  }
}
