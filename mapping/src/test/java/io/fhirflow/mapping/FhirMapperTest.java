package io.fhirflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.mapping.testing.FhirResourceValidator;
import io.fhirflow.mapping.testing.Samples;
import io.fhirflow.schema.WearableSample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FhirMapperTest {
  private static final FhirMapper MAPPER = new FhirMapper(MappingCatalogue.builtIn());

  private static Mapped mapped(WearableSample sample) {
    MappingOutcome outcome = MAPPER.map(sample, false);
    assertThat(outcome).isInstanceOf(Mapped.class);
    Mapped mapped = (Mapped) outcome;
    for (FhirResource resource : mapped.observations()) {
      assertThat(FhirResourceValidator.describe(FhirResourceValidator.errors(resource.json())))
          .isEmpty();
    }
    assertThat(
            FhirResourceValidator.describe(FhirResourceValidator.errors(mapped.patient().json())))
        .isEmpty();
    mapped
        .device()
        .ifPresent(
            d ->
                assertThat(FhirResourceValidator.describe(FhirResourceValidator.errors(d.json())))
                    .isEmpty());
    return mapped;
  }

  @Test
  void mapsAHealthKitHeartRateToAValidVitalSignsObservation() {
    Mapped mapped =
        mapped(Samples.hkQuantity("HKQuantityTypeIdentifierHeartRate", 72, "count/min"));
    String json = mapped.observations().get(0).json();
    assertThat(json)
        .contains(
            "\"code\":\"8867-4\"",
            "\"vital-signs\"",
            "\"value\":72,",
            "\"code\":\"/min\"",
            "\"effectiveDateTime\":\"2026-11-20T08:30:00+01:00\"",
            "\"status\":\"final\"");
    assertThat(mapped.metrics())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.metric()).isEqualTo("heart_rate");
              assertThat(m.kind()).isEqualTo(MetricKind.RATE);
            });
  }

  @Test
  void mapsAHealthConnectHeartRateSeriesToOneObservationPerSample() {
    Mapped mapped = mapped(Samples.hcSeries("HeartRateRecord", "beatsPerMinute", 61, 64, 70));
    assertThat(mapped.observations()).hasSize(3);
    assertThat(mapped.observations()).extracting(FhirResource::id).doesNotHaveDuplicates();
    assertThat(mapped.metrics()).hasSize(3);
  }

  @Test
  void mapsABloodPressureCorrelationToThePanelWithComponents() {
    Mapped mapped = mapped(Samples.hkBloodPressure(120, 80));
    assertThat(mapped.observations().get(0).json())
        .contains("85354-9", "8480-6", "8462-4", "mm[Hg]");
    assertThat(mapped.metrics())
        .extracting(MetricPoint::metric)
        .containsExactly("blood_pressure_systolic", "blood_pressure_diastolic");
  }

  @Test
  void mapsAHealthConnectBloodPressureRecordWithBodyPosition() {
    Mapped mapped =
        mapped(
            Samples.hcInstant(
                "BloodPressureRecord",
                List.of(
                    Samples.measurement("systolic", 121, "millimetersOfMercury"),
                    Samples.measurement("diastolic", 79, "millimetersOfMercury")),
                Map.of("bodyPosition", 2)));
    assertThat(mapped.observations().get(0).json())
        .contains("BloodPressureRecord.BODY_POSITION_SITTING_DOWN");
    assertThat(mapped.metrics())
        .extracting(MetricPoint::metric, MetricPoint::value)
        .containsExactly(
            org.assertj.core.api.Assertions.tuple("blood_pressure_systolic", 121.0),
            org.assertj.core.api.Assertions.tuple("blood_pressure_diastolic", 79.0));
  }

  @Test
  void mapsStepsWithTheStepsAnnotationUnit() {
    Mapped mapped = mapped(Samples.hkQuantity("HKQuantityTypeIdentifierStepCount", 1200, "count"));
    assertThat(mapped.observations().get(0).json()).contains("\"code\":\"{steps}\"");
  }

  @Test
  void pointsAFoodPanelAtTheObservationsItsMembersBecome() {
    CatalogueEntry food =
        MappingCatalogue.builtIn()
            .entry(io.fhirflow.schema.Platform.HEALTHKIT, "HKCorrelationTypeIdentifierFood")
            .orElseThrow();
    Mapped panel =
        mapped(
            io.fhirflow.mapping.testing.CatalogueSamples.forEntry(
                MappingCatalogue.builtIn(), food));
    Mapped member =
        mapped(
            Samples.healthKit(
                    "HKQuantityTypeIdentifierDietaryProtein",
                    "hk-food-protein",
                    Samples.quantity(21.5, "g"))
                .build());
    assertThat(panel.observations().get(0).json())
        .contains("\"hasMember\":[", member.observations().get(0).reference());
  }

  @Test
  void keepsTheSampleZoneAndMarksANewerVersionAmendedUnderTheSameId() {
    WearableSample sample =
        Samples.healthKit(
                "HKQuantityTypeIdentifierBodyMass", "hk-weight", Samples.quantity(70, "kg"))
            .setTimeZone("America/Los_Angeles")
            .build();
    Mapped original = mapped(sample);
    Mapped amended = (Mapped) MAPPER.map(sample, true);
    assertThat(original.observations().get(0).json())
        .contains("\"effectiveDateTime\":\"2026-11-19T23:30:00-08:00\"");
    assertThat(amended.observations().get(0).json()).contains("\"status\":\"amended\"");
    assertThat(amended.observations().get(0).id()).isEqualTo(original.observations().get(0).id());
  }

  @Test
  void anotherUsersSampleWithTheSameRecordIdGetsItsOwnObservationAndDevice() {
    WearableSample mine =
        WearableSample.newBuilder(Samples.hcSeries("HeartRateRecord", "beatsPerMinute", 61, 64))
            .setRecordId("shared-record-id")
            .build();
    WearableSample theirs = WearableSample.newBuilder(mine).setUserId("someone-else").build();
    Mapped a = mapped(mine);
    Mapped b = mapped(theirs);
    assertThat(b.observations()).hasSameSizeAs(a.observations());
    assertThat(b.observations())
        .extracting(FhirResource::id)
        .doesNotContainAnyElementsOf(a.observations().stream().map(FhirResource::id).toList());
    assertThat(b.patient().id()).isNotEqualTo(a.patient().id());
    assertThat(b.device().orElseThrow().id()).isNotEqualTo(a.device().orElseThrow().id());
    assertThat(b.observations().get(0).json())
        .contains(b.device().orElseThrow().reference())
        .contains(b.patient().reference());
  }

  @Test
  void aDeviceIsKeyedByItsOwnerAndEveryPartOfItsModel() {
    WearableSample watch = Samples.hkQuantity("HKQuantityTypeIdentifierHeartRate", 72, "count/min");
    io.fhirflow.schema.Device.Builder watch7 =
        io.fhirflow.schema.Device.newBuilder(watch.getDevice()).setHardwareVersion("Watch7,2");
    WearableSample newerWatch = WearableSample.newBuilder(watch).setDevice(watch7.build()).build();
    io.fhirflow.schema.Device.Builder iPhone =
        io.fhirflow.schema.Device.newBuilder().setName("iPhone");
    WearableSample phone = WearableSample.newBuilder(watch).setDevice(iPhone.build()).build();
    String watchId = mapped(watch).device().orElseThrow().id();
    assertThat(watchId)
        .isEqualTo(ResourceIds.device(Samples.USER, "HEALTHKIT|Apple Inc.|Watch|Watch6,1|"))
        .isEqualTo(mapped(watch).device().orElseThrow().id());
    assertThat(mapped(newerWatch).device().orElseThrow().id())
        .isEqualTo(ResourceIds.device(Samples.USER, "HEALTHKIT|Apple Inc.|Watch|Watch7,2|"));
    assertThat(mapped(phone).device().orElseThrow().json())
        .contains("\"value\":\"HEALTHKIT||iPhone||\"");
    // Mapped again after the other devices were cached: still the first one.
    assertThat(mapped(watch).device().orElseThrow().id()).isEqualTo(watchId);
  }

  @Test
  void metaSourceKeepsAnUnreservedAppIdAndPercentEncodesAnyOtherCharacter() {
    WearableSample plain = Samples.hkQuantity("HKQuantityTypeIdentifierHeartRate", 72, "count/min");
    io.fhirflow.schema.Source.Builder app = io.fhirflow.schema.Source.newBuilder(plain.getSource());
    app.setBundleId("com.example app/é~_-");
    WearableSample spaced = WearableSample.newBuilder(plain).setSource(app.build()).build();
    assertThat(mapped(plain).observations().get(0).json())
        .contains("\"source\":\"urn:fhirflow:app:healthkit:com.apple.health.7A1B\"");
    assertThat(mapped(spaced).observations().get(0).json())
        .contains("\"source\":\"urn:fhirflow:app:healthkit:com.example%20app%2F%C3%A9~_-\"");
  }

  @Test
  void samplesInDifferentZonesMappedInTurnEachKeepTheirOwnOffset() {
    // The mapper shares one TimeZone per offset between samples: mapping in turn must not let one
    // sample's zone leak into another's dates.
    WearableSample paris = Samples.hkQuantity("HKQuantityTypeIdentifierHeartRate", 72, "count/min");
    WearableSample losAngeles =
        WearableSample.newBuilder(paris).setTimeZone("America/Los_Angeles").build();
    for (int round = 0; round < 3; round++) {
      assertThat(mapped(paris).observations().get(0).json())
          .contains("\"effectiveDateTime\":\"2026-11-20T08:30:00+01:00\"");
      assertThat(mapped(losAngeles).observations().get(0).json())
          .contains("\"effectiveDateTime\":\"2026-11-19T23:30:00-08:00\"");
    }
  }

  @Test
  void givesTheSameBytesForTheSameInput() {
    WearableSample sample =
        Samples.hkQuantity("HKQuantityTypeIdentifierHeartRate", 72.5, "count/min");
    assertThat(((Mapped) MAPPER.map(sample, false)).observations())
        .isEqualTo(((Mapped) MAPPER.map(sample, false)).observations());
  }
}
