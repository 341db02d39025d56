package io.fhirflow.topology;

import static io.fhirflow.topology.FhirFlowTopologyTest.header;
import static io.fhirflow.topology.SummaryOutputs.component;
import static io.fhirflow.topology.SummaryOutputs.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.mapping.ResourceIds;
import io.fhirflow.schema.HcInterval;
import io.fhirflow.schema.HcMeasurement;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.WearableSamples;
import io.fhirflow.topology.summary.SummaryAggregate;
import io.fhirflow.topology.summary.SummaryState;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Summary Observations through the real topology (docs/summaries.md); every summary read is
 * validated by HAPI.
 */
class SummaryTopologyTest {

  private static final String PARIS = "Europe/Paris";
  private static final String STEPS = "HKQuantityTypeIdentifierStepCount";
  private static final String HEART_RATE = "HKQuantityTypeIdentifierHeartRate";

  /**
   * After this the 2026-03-14 day summaries (Paris) are due: the day ends 23:00Z, grace 1 h, then a
   * tick.
   */
  private static final Instant DAY_CLOSED = Instant.parse("2026-03-15T00:00:11Z");

  @RegisterExtension
  final TopologyHarness flow =
      new TopologyHarness(Map.of(TopologyConfig.SUMMARIES_ENABLED_CONFIG, "true"));

  private final SummaryOutputs out = new SummaryOutputs();

  @Test
  void everyDailyAndHourlyMeasureOfADayIsWrittenOnceItsPeriodClosed() {
    flow.send(WearableSamples.healthConnectSteps().build()); // 1342 steps, 07:00-07:15Z
    flow.send(hk(STEPS, "steps-2", 658, "count", at("10:00"), PARIS));
    flow.send(
        hk(
            "HKQuantityTypeIdentifierActiveEnergyBurned",
            "energy-1",
            12.3,
            "kcal",
            at("07:30"),
            PARIS));
    flow.send(
        hk(
            "HKQuantityTypeIdentifierActiveEnergyBurned",
            "energy-2",
            7.8,
            "kcal",
            at("09:00"),
            PARIS));
    flow.send(
        hk(
            "HKQuantityTypeIdentifierDistanceWalkingRunning",
            "distance-1",
            1.2,
            "km",
            at("07:30"),
            PARIS));
    flow.send(
        hk(
            "HKQuantityTypeIdentifierDistanceWalkingRunning",
            "distance-2",
            0.85,
            "km",
            at("09:00"),
            PARIS));
    flow.send(WearableSamples.healthKitHeartRate().build()); // 72 at 07:15Z
    flow.send(
        WearableSamples.healthConnectHeartRateSeries()
            .build()); // 68, 71, 75, 74, 70 at 07:10-07:14Z
    flow.send(hk(HEART_RATE, "hr-late-morning", 90, "count/min", at("10:30"), PARIS));
    flow.send(
        hk(
            "HKQuantityTypeIdentifierRestingHeartRate",
            "rest-1",
            58,
            "count/min",
            at("06:00"),
            PARIS));
    flow.send(
        hk(
            "HKQuantityTypeIdentifierRestingHeartRate",
            "rest-2",
            60,
            "count/min",
            at("11:00"),
            PARIS));
    flow.send(
        hk("HKQuantityTypeIdentifierOxygenSaturation", "spo2-1", 0.97, "%", at("03:00"), PARIS));
    flow.send(
        hk("HKQuantityTypeIdentifierOxygenSaturation", "spo2-2", 0.95, "%", at("08:00"), PARIS));
    assertThat(out.read(flow)).as("nothing before the first tick").isEmpty();

    // Hours that ended more than the grace ago are due at the first tick; the day is still open.
    flow.advanceWallClock(Duration.ofSeconds(11));
    out.read(flow);
    Observation morning = out.current("heart-rate-hour/2026-03-14T07:00:00Z").orElseThrow();
    assertThat(component(morning, "minimum")).isEqualByComparingTo("68");
    assertThat(component(morning, "maximum")).isEqualByComparingTo("75");
    assertThat(component(morning, "average")).isEqualByComparingTo("71.7"); // 430 / 6
    assertThat(component(morning, "count")).isEqualByComparingTo("6");
    assertPeriod(morning, "2026-03-14T08:00:00+01:00", "2026-03-14T09:00:00+01:00");
    assertThat(morning.getDerivedFrom()).hasSize(6);
    assertThat(out.current("heart-rate-hour/2026-03-14T10:00:00Z").map(o -> component(o, "count")))
        .contains(BigDecimal.ONE);
    assertThat(out.current().keySet()).noneMatch(k -> k.endsWith("/2026-03-14"));

    flow.advanceWallClock(Duration.between(TopologyHarness.NOW.plusSeconds(11), DAY_CLOSED));
    out.read(flow);
    Map<String, Observation> day = out.current();
    Observation steps = day.get("steps-day/2026-03-14");
    assertThat(value(steps)).isEqualByComparingTo("2000");
    assertThat(steps.getCode().getCodingFirstRep().getCode()).isEqualTo("41950-7");
    assertThat(steps.getValueQuantity().getCode()).isEqualTo("/d");
    assertThat(steps.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);
    assertThat(steps.getMeta().getVersionId()).isEqualTo("1");
    assertThat(steps.getCategory())
        .anySatisfy(c -> assertThat(c.getCodingFirstRep().getCode()).isEqualTo("daily"));
    assertPeriod(steps, "2026-03-14T00:00:00+01:00", "2026-03-15T00:00:00+01:00");
    assertThat(steps.getIdPart())
        .isEqualTo(
            ResourceIds.summary(
                ResourceIds.patient(WearableSamples.USER_ID), "steps-day", "2026-03-14", 0));
    assertThat(value(day.get("active-energy-day/2026-03-14"))).isEqualByComparingTo("20.1");
    assertThat(value(day.get("distance-day/2026-03-14"))).isEqualByComparingTo("2050");
    Observation hr = day.get("heart-rate-day/2026-03-14");
    assertThat(
            List.of(
                component(hr, "minimum"),
                component(hr, "maximum"),
                component(hr, "average"),
                component(hr, "count")))
        .usingElementComparator(BigDecimal::compareTo)
        .containsExactly(bd("68"), bd("90"), bd("74.3"), bd("7")); // 520 / 7
    Observation resting = day.get("resting-heart-rate-day/2026-03-14");
    assertThat(value(resting)).isEqualByComparingTo("59");
    assertThat(component(resting, "count")).isEqualByComparingTo("2");
    Observation spo2 = day.get("oxygen-saturation-day/2026-03-14");
    assertThat(component(spo2, "minimum")).isEqualByComparingTo("95");
    assertThat(component(spo2, "average")).isEqualByComparingTo("96");
    assertThat(spo2.getComponent()).hasSize(3);
    // Each summary once: nothing changed, nothing is written again.
    flow.advanceWallClock(Duration.ofMinutes(5));
    assertThat(out.read(flow)).isEmpty();
  }

  @Test
  void sleepIsSummedPerNightAndStageFromEighteenHundredToEighteenHundred() {
    flow.send(
        WearableSamples.healthConnectSleepSession()
            .build()); // 23:10-06:50 Paris: light 255, deep 75, REM 120, awake 10
    flow.send(WearableSamples.healthKitSleepCore().build()); // core (light) 90 min from 02:15 Paris
    flow.send(
        hkSleep("in-bed", 0, Instant.parse("2026-03-13T21:00:00Z"), 600)); // in bed: not sleep
    flow.send(
        hkSleep(
            "next-night",
            1,
            Instant.parse("2026-03-14T21:30:00Z"),
            60)); // 22:30 Paris: the night of the 15th
    flow.advanceWallClock(
        Duration.ofHours(6).plusSeconds(11)); // night of the 14th ends 17:00Z, due 18:00Z

    out.read(flow);
    Observation night = out.current("sleep-night/2026-03-14").orElseThrow();
    assertThat(value(night)).isEqualByComparingTo("540");
    assertPeriod(night, "2026-03-13T18:00:00+01:00", "2026-03-14T18:00:00+01:00");
    assertThat(night.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("nightly");
    assertThat(value(out.current("sleep-light-night/2026-03-14").orElseThrow()))
        .isEqualByComparingTo("345");
    assertThat(value(out.current("sleep-deep-night/2026-03-14").orElseThrow()))
        .isEqualByComparingTo("75");
    assertThat(value(out.current("sleep-rem-night/2026-03-14").orElseThrow()))
        .isEqualByComparingTo("120");
    assertThat(out.current("sleep-night/2026-03-15")).as("still open").isEmpty();
  }

  /**
   * The same user id and record in the default tenant and in acme: two patients, each with their
   * own summaries (other ids, their tenant in the header and meta.tag), and a deletion in acme
   * takes back acme's steps only.
   */
  @Test
  void anotherTenantsSamplesGetSummariesOfTheirOwnTaggedWithTheirTenant() {
    String acme = "acme";
    flow.send(hk(STEPS, "steps-t", 1000, "count", at("08:00"), PARIS));
    flow.sendToTenant(acme, hk(STEPS, "steps-t", 400, "count", at("08:00"), PARIS));
    flow.sendToTenant(acme, hk(STEPS, "steps-u", 250, "count", at("09:00"), PARIS));
    flow.advanceWallClock(Duration.between(TopologyHarness.NOW, DAY_CLOSED));

    Map<String, TestRecord<String, String>> days = stepsDayByTenant(out.read(flow));
    assertThat(days).containsOnlyKeys(Tenants.DEFAULT, acme);
    TestRecord<String, String> mine = days.get(Tenants.DEFAULT);
    TestRecord<String, String> theirs = days.get(acme);
    assertThat(mine.key()).isEqualTo(ResourceIds.patient(WearableSamples.USER_ID));
    assertThat(theirs.key()).isEqualTo(ResourceIds.patient(acme, WearableSamples.USER_ID));
    Observation acmeDay = SummaryOutputs.parse(theirs.value());
    assertThat(value(acmeDay)).isEqualByComparingTo("650");
    assertThat(value(SummaryOutputs.parse(mine.value()))).isEqualByComparingTo("1000");
    assertThat(acmeDay.getSubject().getReference()).isEqualTo("Patient/" + theirs.key());
    assertThat(acmeDay.getMeta().getTag(FhirSystems.TENANT, acme)).isNotNull();
    assertThat(SummaryOutputs.parse(mine.value()).getMeta().getTag(FhirSystems.TENANT, "default"))
        .isNotNull();
    assertThat(header(theirs.headers(), FhirRecordHeaders.RESOURCE_ID))
        .isEqualTo(acmeDay.getIdPart())
        .isNotEqualTo(header(mine.headers(), FhirRecordHeaders.RESOURCE_ID));

    // acme's phone deletes one of its records: acme's day is amended, the default tenant's is not.
    flow.sendToTenant(
        acme, WearableSamples.deletionOf(hk(STEPS, "steps-u", 250, "count", at("09:00"), PARIS)));
    flow.advanceWallClock(Duration.ofSeconds(10));
    Map<String, TestRecord<String, String>> amended = stepsDayByTenant(out.read(flow));
    assertThat(amended).containsOnlyKeys(acme);
    Observation acmeAmended = SummaryOutputs.parse(amended.get(acme).value());
    assertThat(value(acmeAmended)).isEqualByComparingTo("400");
    assertThat(acmeAmended.getIdPart()).isEqualTo(acmeDay.getIdPart());
    assertThat(acmeAmended.getStatus()).isEqualTo(Observation.ObservationStatus.AMENDED);
  }

  /** The steps-day summaries among {@code records} by the tenant in their header. */
  private static Map<String, TestRecord<String, String>> stepsDayByTenant(
      List<TestRecord<String, String>> records) {
    Map<String, TestRecord<String, String>> byTenant = new java.util.TreeMap<>();
    for (TestRecord<String, String> r : records) {
      if (r.value() != null && r.value().contains("steps-day/2026-03-14")) {
        assertThat(byTenant.put(header(r.headers(), FhirRecordHeaders.TENANT), r))
            .as("one per tenant")
            .isNull();
      }
    }
    return byTenant;
  }

  @Test
  void aLateSampleAmendsAClosedDayUnderTheSameId() {
    flow.send(WearableSamples.healthConnectSteps().build());
    flow.advanceWallClock(Duration.between(TopologyHarness.NOW, DAY_CLOSED));
    Observation first = only(out.read(flow));
    assertThat(value(first)).isEqualByComparingTo("1342");

    // A phone that was offline sends the afternoon a week later.
    flow.send(
        hk(STEPS, "afternoon", 658, "count", at("15:00"), PARIS),
        DAY_CLOSED.plus(Duration.ofDays(7)));
    flow.advanceWallClock(Duration.ofSeconds(10));
    Observation amended = only(out.read(flow));
    assertThat(amended.getIdPart()).isEqualTo(first.getIdPart());
    assertThat(value(amended)).isEqualByComparingTo("2000");
    assertThat(amended.getStatus()).isEqualTo(Observation.ObservationStatus.AMENDED);
    assertThat(amended.getMeta().getVersionId()).isEqualTo("2");
  }

  @Test
  void duplicatesInsideAndBeyondTheDedupeRetentionNeverCountTwice() {
    WearableSample steps = hk(STEPS, "steps", 1000, "count", at("08:00"), PARIS);
    flow.send(steps);
    flow.send(steps);
    flow.advanceWallClock(Duration.between(TopologyHarness.NOW, DAY_CLOSED));
    assertThat(value(only(out.read(flow)))).isEqualByComparingTo("1000");

    // Three days later the dedupe store has forgotten the id: the copy passes dedupe, and replaces
    // itself.
    flow.send(steps, DAY_CLOSED.plus(Duration.ofDays(3)));
    flow.advanceWallClock(Duration.ofSeconds(10));
    assertThat(out.read(flow)).as("same figures: no new version").isEmpty();
    assertThat(value(out.current("steps-day/2026-03-14").orElseThrow()))
        .isEqualByComparingTo("1000");
  }

  @Test
  void anUpdateReplacesItsEarlierVersionAndAStaleVersionCannotUndoIt() {
    WearableSample v2 = WearableSamples.healthConnectSteps().build();
    flow.send(v2);
    flow.advanceWallClock(Duration.between(TopologyHarness.NOW, DAY_CLOSED));
    assertThat(value(only(out.read(flow)))).isEqualByComparingTo("1342");

    WearableSample v3 = hcStepsVersion(v2, 3, 1500);
    flow.send(v3, DAY_CLOSED.plus(Duration.ofHours(1)));
    flow.advanceWallClock(Duration.ofSeconds(10));
    Observation updated = only(out.read(flow));
    assertThat(value(updated)).isEqualByComparingTo("1500");
    assertThat(updated.getStatus()).isEqualTo(Observation.ObservationStatus.AMENDED);

    // Version 2 again after the dedupe retention: older than what the summary holds, ignored.
    flow.send(v2, DAY_CLOSED.plus(Duration.ofDays(4)));
    flow.advanceWallClock(Duration.ofSeconds(10));
    assertThat(out.read(flow)).isEmpty();
    assertThat(value(out.current("steps-day/2026-03-14").orElseThrow()))
        .isEqualByComparingTo("1500");
  }

  @Test
  void anUpdateThatMovesARecordToAnotherDayTakesItOutOfTheFirst() {
    WearableSample v1 =
        WearableSample.newBuilder(hk(STEPS, "moved", 800, "count", at("08:00"), PARIS))
            .setVersion(SyncVersions.sync(1))
            .build();
    flow.send(hk(STEPS, "stays", 200, "count", at("09:00"), PARIS));
    flow.send(v1);
    Instant yesterday = Instant.parse("2026-03-13T10:00:00Z");
    WearableSample v2 =
        WearableSample.newBuilder(v1)
            .setVersion(SyncVersions.sync(2))
            .setStartTime(yesterday)
            .setEndTime(yesterday)
            .build();
    flow.send(v2);
    flow.advanceWallClock(Duration.between(TopologyHarness.NOW, DAY_CLOSED));
    out.read(flow);
    assertThat(value(out.current("steps-day/2026-03-14").orElseThrow()))
        .isEqualByComparingTo("200");
    assertThat(value(out.current("steps-day/2026-03-13").orElseThrow()))
        .isEqualByComparingTo("800");
  }

  @Test
  void deletingTheMaximumGivesTheNextAndDeletingEverythingRemovesTheSummaryUntilNewDataComes() {
    WearableSample low = hk(HEART_RATE, "low", 61, "count/min", at("08:00"), PARIS);
    WearableSample mid = hk(HEART_RATE, "mid", 75, "count/min", at("09:00"), PARIS);
    WearableSample max = hk(HEART_RATE, "max", 140, "count/min", at("10:00"), PARIS);
    List.of(low, mid, max).forEach(flow::send);
    flow.advanceWallClock(Duration.between(TopologyHarness.NOW, DAY_CLOSED));
    out.read(flow);
    Observation day = out.current("heart-rate-day/2026-03-14").orElseThrow();
    assertThat(component(day, "maximum")).isEqualByComparingTo("140");

    Instant later = DAY_CLOSED.plus(Duration.ofHours(2));
    flow.send(WearableSamples.deletionOf(max), later);
    flow.advanceWallClock(Duration.ofSeconds(10));
    out.read(flow);
    day = out.current("heart-rate-day/2026-03-14").orElseThrow();
    assertThat(component(day, "maximum")).isEqualByComparingTo("75");
    assertThat(component(day, "count")).isEqualByComparingTo("2");
    assertThat(component(day, "average")).isEqualByComparingTo("68");
    assertThat(out.current("heart-rate-hour/2026-03-14T10:00:00Z"))
        .as("the hour of the deleted sample")
        .isEmpty();

    String id = day.getIdPart();
    flow.send(WearableSamples.deletionOf(low), later.plusSeconds(20));
    flow.send(WearableSamples.deletionOf(mid), later.plusSeconds(20));
    flow.advanceWallClock(Duration.ofSeconds(10));
    List<TestRecord<String, String>> markers = out.read(flow);
    assertThat(markers).isNotEmpty().allSatisfy(m -> assertThat(m.value()).isNull());
    assertThat(markers)
        .anySatisfy(
            m -> assertThat(header(m.headers(), FhirRecordHeaders.RESOURCE_ID)).isEqualTo(id));
    assertThat(markers)
        .allSatisfy(
            m -> assertThat(m.key()).isEqualTo(ResourceIds.patient(WearableSamples.USER_ID)));
    assertThat(out.current()).isEmpty();

    // The sink never lets a deleted id back: a refilled day is a new generation of the id.
    flow.send(hk(HEART_RATE, "new", 66, "count/min", at("11:00"), PARIS), later.plusSeconds(40));
    flow.advanceWallClock(Duration.ofSeconds(10));
    out.read(flow);
    Observation refilled = out.current("heart-rate-day/2026-03-14").orElseThrow();
    assertThat(refilled.getIdPart())
        .isNotEqualTo(id)
        .isEqualTo(
            ResourceIds.summary(
                ResourceIds.patient(WearableSamples.USER_ID), "heart-rate-day", "2026-03-14", 1));
    assertThat(refilled.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);
    assertThat(component(refilled, "count")).isEqualByComparingTo("1");
  }

  @Test
  void theSpringDstDayHas23HoursAndTheAutumnDayTwoHoursThatReadTheSame() {
    Instant beforeSpring = Instant.parse("2026-03-29T00:30:00Z"); // 01:30 +01:00
    Instant afterSpring = Instant.parse("2026-03-29T01:30:00Z"); // 03:30 +02:00
    sendParisHeartRateAMinuteLater("s1", 60, beforeSpring);
    sendParisHeartRateAMinuteLater("s2", 64, afterSpring);
    // Read before the autumn: by then March is past the 35-day correction horizon.
    flow.advanceWallClock(Duration.ofDays(2));
    out.read(flow);
    Instant firstAutumn = Instant.parse("2026-10-25T00:30:00Z"); // 02:30 +02:00
    Instant secondAutumn = Instant.parse("2026-10-25T01:30:00Z"); // 02:30 +01:00 again
    sendParisHeartRateAMinuteLater("a1", 70, firstAutumn);
    sendParisHeartRateAMinuteLater("a2", 80, secondAutumn);
    flow.advanceWallClock(Duration.ofDays(2));

    out.read(flow);
    Observation spring = out.current("heart-rate-day/2026-03-29").orElseThrow();
    assertThat(component(spring, "count")).isEqualByComparingTo("2");
    assertPeriod(spring, "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00");
    assertThat(
            out.current("heart-rate-hour/2026-03-29T01:00:00Z")
                .orElseThrow()
                .getEffectivePeriod()
                .getStartElement()
                .getValueAsString())
        .isEqualTo("2026-03-29T03:00:00+02:00");

    Observation autumn = out.current("heart-rate-day/2026-10-25").orElseThrow();
    assertPeriod(autumn, "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00");
    Observation firstHalf = out.current("heart-rate-hour/2026-10-25T00:00:00Z").orElseThrow();
    Observation secondHalf = out.current("heart-rate-hour/2026-10-25T01:00:00Z").orElseThrow();
    assertThat(firstHalf.getIdPart()).isNotEqualTo(secondHalf.getIdPart());
    assertThat(firstHalf.getEffectivePeriod().getStartElement().getValueAsString())
        .isEqualTo("2026-10-25T02:00:00+02:00");
    assertThat(secondHalf.getEffectivePeriod().getStartElement().getValueAsString())
        .isEqualTo("2026-10-25T02:00:00+01:00");
    assertThat(component(firstHalf, "maximum")).isEqualByComparingTo("70");
    assertThat(component(secondHalf, "maximum")).isEqualByComparingTo("80");
  }

  @Test
  void aFlightFromNewYorkToLosAngelesMakesOneLocalDayOf27Hours() {
    Instant inNewYork = Instant.parse("2026-03-14T12:00:00Z"); // 08:00 -04:00
    Instant inLosAngeles =
        Instant.parse("2026-03-15T03:00:00Z"); // 20:00 -07:00, still the 14th there
    flow.send(hk(HEART_RATE, "ny", 70, "count/min", inNewYork, "America/New_York"));
    flow.send(
        hk(HEART_RATE, "la", 90, "count/min", inLosAngeles, "America/Los_Angeles"),
        inLosAngeles.plusSeconds(60));
    flow.advanceWallClock(Duration.ofDays(1));

    out.read(flow);
    Observation day = out.current("heart-rate-day/2026-03-14").orElseThrow();
    assertThat(component(day, "count")).isEqualByComparingTo("2");
    assertPeriod(day, "2026-03-14T00:00:00-04:00", "2026-03-15T00:00:00-07:00");
    assertThat(out.current().keySet()).noneMatch(k -> k.startsWith("heart-rate-day/2026-03-15"));
  }

  @Test
  void anErasureRemovesThePersonsSummaryStateAndNothingOfTheirsIsWrittenAfter() {
    flow.send(hk(HEART_RATE, "before-1", 60, "count/min", at("08:00"), PARIS));
    flow.send(hk(HEART_RATE, "before-2", 100, "count/min", at("09:00"), PARIS));
    flow.erase(WearableSamples.USER_ID);
    flow.send(hk(HEART_RATE, "after", 70, "count/min", at("10:00"), PARIS));
    flow.advanceWallClock(Duration.between(TopologyHarness.NOW, DAY_CLOSED));

    out.read(flow);
    Observation day = out.current("heart-rate-day/2026-03-14").orElseThrow();
    assertThat(component(day, "count"))
        .as("only what came after the erasure")
        .isEqualByComparingTo("1");
    assertThat(component(day, "maximum")).isEqualByComparingTo("70");
    assertThat(out.current())
        .doesNotContainKeys(
            "heart-rate-hour/2026-03-14T07:00:00Z", "heart-rate-hour/2026-03-14T08:00:00Z");
    // Only the post-erasure sample is left: its record (with its hour and day shares) and the two
    // summaries written, neither still due.
    assertThat(entries(SummaryState.RECORDS)).isEqualTo(1);
    assertThat(entries(SummaryState.AGGREGATES)).isEqualTo(2);
    try (var it =
        flow.driver
            .<org.apache.kafka.common.utils.Bytes, SummaryAggregate>getKeyValueStore(
                SummaryState.AGGREGATES)
            .all()) {
      it.forEachRemaining(e -> assertThat(e.value.isDue()).isFalse());
    }
  }

  private long entries(String store) {
    long n = 0;
    try (var it = flow.driver.getKeyValueStore(store).all()) {
      for (; it.hasNext(); it.next()) {
        n++;
      }
    }
    return n;
  }

  @Test
  void withSummariesOffTheTopologyIsUnchanged() {
    try (TopologyHarness plain = new TopologyHarness()) {
      plain.send(WearableSamples.healthConnectSteps().build());
      plain.advanceWallClock(Duration.ofDays(2));
      assertThat(plain.observations.readRecordsToList()).hasSize(1);
    }
  }

  private static Observation only(List<TestRecord<String, String>> records) {
    assertThat(records).hasSize(1);
    return SummaryOutputs.parse(records.get(0).value());
  }

  private static BigDecimal bd(String s) {
    return new BigDecimal(s);
  }

  private static Instant at(String utcTime) {
    return Instant.parse("2026-03-14T" + utcTime + ":00Z");
  }

  /** A HealthKit quantity sample of any type, measured at {@code at} in {@code zone}. */
  /** A heart rate taken in Paris at {@code at}, which the phone sends a minute later. */
  private void sendParisHeartRateAMinuteLater(String id, double bpm, Instant at) {
    flow.send(hk(HEART_RATE, id, bpm, "count/min", at, PARIS), at.plusSeconds(60));
  }

  static WearableSample hk(
      String type, String id, double value, String unit, Instant at, String zone) {
    return WearableSamples.healthKitQuantity(type, id, value, unit, at, zone);
  }

  private static WearableSample hkSleep(String id, int stage, Instant start, int minutes) {
    return WearableSamples.healthKitSleepCore()
        .setRecordId(id)
        .setStartTime(start)
        .setEndTime(start.plus(Duration.ofMinutes(minutes)))
        .setBody(io.fhirflow.schema.HkCategory.newBuilder().setValue(stage).build())
        .build();
  }

  private static WearableSample hcStepsVersion(WearableSample sample, long version, double count) {
    return WearableSample.newBuilder(sample)
        .setVersion(
            RecordVersion.newBuilder(sample.getVersion())
                .setClientRecordVersion(version)
                .setLastModifiedTime(sample.getVersion().getLastModifiedTime().plusSeconds(60))
                .build())
        .setBody(
            HcInterval.newBuilder()
                .setMeasurements(
                    List.of(
                        HcMeasurement.newBuilder()
                            .setField("count")
                            .setValue(count)
                            .setUnit("count")
                            .build()))
                .build())
        .build();
  }

  /** The Observation's effectivePeriod, as written: start and end with their offsets. */
  private static void assertPeriod(Observation o, String start, String end) {
    assertThat(o.getEffectivePeriod().getStartElement().getValueAsString())
        .as("period start")
        .isEqualTo(start);
    assertThat(o.getEffectivePeriod().getEndElement().getValueAsString())
        .as("period end")
        .isEqualTo(end);
  }
}
