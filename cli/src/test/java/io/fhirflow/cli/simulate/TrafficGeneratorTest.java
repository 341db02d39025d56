package io.fhirflow.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fhirflow.schema.HcInstantaneous;
import io.fhirflow.schema.HcInterval;
import io.fhirflow.schema.HcSeries;
import io.fhirflow.schema.HkCorrelation;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.WearableSample;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficGeneratorTest {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  private final TrafficGenerator generator =
      new TrafficGenerator(
          40,
          7,
          Clock.fixed(NOW, ZoneOffset.UTC),
          Duration.ofDays(3),
          TrafficGenerator.Mix.DEFAULT);
  private final List<SimulatedRecord> records = new ArrayList<>();

  private void generate(int n) {
    for (int i = 0; i < n; i++) {
      records.add(generator.next());
    }
  }

  /** The new samples of one type. */
  private List<WearableSample> newSamplesOfType(String type) {
    return samples(Outcome.NEW).stream().filter(s -> s.getType().equals(type)).toList();
  }

  private List<WearableSample> samples(Outcome outcome) {
    return records.stream()
        .filter(r -> r.outcome() == outcome && r instanceof SimulatedRecord.Sample)
        .map(r -> ((SimulatedRecord.Sample) r).sample())
        .toList();
  }

  @Test
  void dealsTheUsersOverTheTenantsAndPutsOneUserIdInTwoTenants() {
    TrafficGenerator tenants =
        new TrafficGenerator(
            4,
            List.of("default", "acme"),
            7,
            Clock.fixed(NOW, ZoneOffset.UTC),
            Duration.ofDays(3),
            TrafficGenerator.Mix.DEFAULT);
    Map<String, java.util.Set<String>> tenantsOfUser = new HashMap<>();
    Map<String, java.util.Set<String>> tenantsOfRecord = new HashMap<>();
    Map<String, Long> perTenant = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      SimulatedRecord r = tenants.next();
      perTenant.merge(r.tenant(), 1L, Long::sum);
      if (r instanceof SimulatedRecord.Sample s) {
        tenantsOfUser
            .computeIfAbsent(s.sample().getUserId(), u -> new java.util.HashSet<>())
            .add(r.tenant());
        tenantsOfRecord
            .computeIfAbsent(
                s.sample().getUserId() + "/" + s.sample().getRecordId(),
                k -> new java.util.HashSet<>())
            .add(r.tenant());
      }
    }

    assertThat(tenants.users())
        .extracting(SimulatedUser::tenant, SimulatedUser::id)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("default", "sim-user-0001"),
            org.assertj.core.groups.Tuple.tuple("acme", "sim-user-0001"),
            org.assertj.core.groups.Tuple.tuple("default", "sim-user-0003"),
            org.assertj.core.groups.Tuple.tuple("acme", "sim-user-0004"));
    // Both platforms in each tenant.
    assertThat(tenants.users())
        .extracting(SimulatedUser::tenant, SimulatedUser::platform)
        .contains(
            org.assertj.core.groups.Tuple.tuple("default", Platform.HEALTHKIT),
            org.assertj.core.groups.Tuple.tuple("default", Platform.HEALTH_CONNECT),
            org.assertj.core.groups.Tuple.tuple("acme", Platform.HEALTHKIT),
            org.assertj.core.groups.Tuple.tuple("acme", Platform.HEALTH_CONNECT));
    assertThat(tenantsOfUser)
        .containsEntry("sim-user-0001", java.util.Set.of("default", "acme"))
        .containsEntry("sim-user-0003", java.util.Set.of("default"))
        .containsEntry("sim-user-0004", java.util.Set.of("acme"));
    // Two users each: about half the records per tenant.
    assertThat(perTenant.get("acme") / 20_000.0).isCloseTo(0.5, within(0.1));
    // A duplicate, update or deletion goes to the tenant of its original, never across.
    assertThat(tenantsOfRecord.values()).allMatch(t -> t.size() == 1);
  }

  @Test
  void withoutTenantsEveryUserIsTheDefaultTenantsWithItsOwnId() {
    assertThat(generator.users()).allMatch(u -> u.tenant().equals("default"));
    assertThat(generator.users().stream().map(SimulatedUser::id).distinct()).hasSize(40);
  }

  @Test
  void mixesAboutFivePercentDuplicatesAndOnePercentBadRecordsOfEveryBadKind() {
    generate(40_000);
    Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    records.forEach(r -> counts.merge(r.outcome(), 1L, Long::sum));

    assertThat(counts.get(Outcome.DUPLICATE) / 40_000.0).isCloseTo(0.05, within(0.01));
    long bad =
        counts.entrySet().stream()
            .filter(e -> e.getKey().isBad())
            .mapToLong(Map.Entry::getValue)
            .sum();
    assertThat(bad / 40_000.0).isCloseTo(0.01, within(0.003));
    for (Outcome o : Outcome.values()) {
      assertThat(counts).as(o.name()).containsKey(o);
    }
  }

  @Test
  void deletesAboutHalfAPercentOfRecordsSomeBeforeTheirOriginalAndNeverSendsADeletedRecordAgain() {
    generate(40_000);
    long deletions =
        records.stream()
            .filter(r -> r.outcome().isDeletion() && r.outcome() != Outcome.AFTER_DELETION)
            .count();
    assertThat(deletions / 40_000.0).isCloseTo(0.005, within(0.002));

    Map<String, Integer> deletedAt = new java.util.HashMap<>();
    Map<String, Integer> sentAt = new java.util.HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      if (!(records.get(i) instanceof SimulatedRecord.Sample s)) {
        continue;
      }
      String id = s.sample().getUserId() + "/" + s.sample().getRecordId();
      if (s.outcome() == Outcome.DELETION || s.outcome() == Outcome.DELETION_EARLY) {
        assertThat(io.fhirflow.schema.SampleDeletions.isDeletion(s.sample())).isTrue();
        assertThat(deletedAt.put(id, i)).as("deleted once").isNull();
        if (s.outcome() == Outcome.DELETION) {
          assertThat(sentAt).as("a deletion of a record sent before").containsKey(id);
        }
      } else if (s.outcome() == Outcome.AFTER_DELETION) {
        assertThat(deletedAt).as("its deletion went first").containsKey(id);
      } else {
        assertThat(deletedAt)
            .as("nothing of a deleted record is sent again but its late original")
            .doesNotContainKey(id);
        sentAt.putIfAbsent(id, i);
      }
    }
  }

  @Test
  void aDuplicateIsTheSameSampleAsOneSentBefore() {
    generate(5_000);
    List<WearableSample> earlier = new ArrayList<>();
    for (SimulatedRecord r : records) {
      if (r instanceof SimulatedRecord.Sample s) {
        if (r.outcome() == Outcome.DUPLICATE) {
          assertThat(earlier).contains(s.sample());
        } else {
          earlier.add(s.sample());
        }
      }
    }
  }

  @Test
  void anUpdateKeepsTheHealthConnectRecordIdWithAHigherClientRecordVersion() {
    generate(10_000);
    Map<String, Long> versions = new HashMap<>();
    for (SimulatedRecord r : records) {
      if (r instanceof SimulatedRecord.Sample s
          && s.sample().getPlatform() == Platform.HEALTH_CONNECT) {
        WearableSample sample = s.sample();
        Long v = sample.getVersion().getClientRecordVersion();
        if (r.outcome() == Outcome.UPDATE) {
          assertThat(versions).containsKey(sample.getRecordId());
          assertThat(v).isGreaterThan(versions.get(sample.getRecordId()));
          assertThat(sample.getVersion().getLastModifiedTime()).isNotNull();
        }
        if (r.outcome() != Outcome.DUPLICATE
            && !io.fhirflow.schema.SampleDeletions.isDeletion(sample)) {
          versions.merge(sample.getRecordId(), v, Math::max);
        }
      }
    }
    assertThat(samples(Outcome.UPDATE))
        .isNotEmpty()
        .allSatisfy(
            s -> {
              if (s.getBody() instanceof HcInstantaneous inst) {
                inst.getMeasurements().stream()
                    .filter(m -> m.getUnit().equals("percent"))
                    .forEach(m -> assertThat(m.getValue()).isBetween(80.0, 100.0));
              }
            });
  }

  @Test
  void lateRecordsAreHoursToDaysOld() {
    generate(10_000);
    assertThat(samples(Outcome.LATE))
        .isNotEmpty()
        .allSatisfy(
            s ->
                assertThat(Duration.between(s.getStartTime(), NOW))
                    .isBetween(Duration.ofMinutes(100), Duration.ofDays(5)));
  }

  @Test
  void heartRateFollowsTheWatchCadenceAndStaysInAHumanRange() {
    generate(20_000);
    List<WearableSample> hkHeartRate =
        samples(Outcome.NEW).stream()
            .filter(
                s ->
                    s.getType().equals("HKQuantityTypeIdentifierHeartRate")
                        && s.getUserId().equals("sim-user-0002"))
            .toList();
    assertThat(hkHeartRate).hasSizeGreaterThan(20);
    for (int i = 1; i < hkHeartRate.size(); i++) {
      assertThat(
              Duration.between(
                  hkHeartRate.get(i - 1).getStartTime(), hkHeartRate.get(i).getStartTime()))
          .isEqualTo(Duration.ofMinutes(5));
    }
    assertThat(hkHeartRate)
        .allSatisfy(s -> assertThat(((HkQuantity) s.getBody()).getValue()).isBetween(38.0, 120.0));
    List<WearableSample> hcSeries = newSamplesOfType("HeartRateRecord");
    assertThat(hcSeries)
        .isNotEmpty()
        .allSatisfy(s -> assertThat(((HcSeries) s.getBody()).getSamples()).hasSize(20));
  }

  @Test
  void sleepSessionsHaveContiguousStagesInsideTheNight() {
    generate(20_000);
    List<WearableSample> sessions = newSamplesOfType("SleepSessionRecord");
    assertThat(sessions).isNotEmpty();
    for (WearableSample s : sessions) {
      HcInterval body = (HcInterval) s.getBody();
      assertThat(Duration.between(s.getStartTime(), s.getEndTime()))
          .isBetween(Duration.ofHours(6), Duration.ofHours(9));
      assertThat(body.getStages()).hasSizeGreaterThan(4);
      for (int i = 1; i < body.getStages().size(); i++) {
        assertThat(body.getStages().get(i).getStartTime())
            .isEqualTo(body.getStages().get(i - 1).getEndTime());
      }
      assertThat(body.getStages().get(body.getStages().size() - 1).getEndTime())
          .isEqualTo(s.getEndTime());
      assertThat(body.getStages()).extracting(st -> st.getStage()).contains(4, 5, 6);
    }
    assertThat(newSamplesOfType("HKCategoryTypeIdentifierSleepAnalysis")).isNotEmpty();
  }

  @Test
  void bloodPressureIsACorrelationOnHealthKitAndOneRecordOnHealthConnect() {
    generate(40_000);
    List<WearableSample> hk = newSamplesOfType("HKCorrelationTypeIdentifierBloodPressure");
    List<WearableSample> hc = newSamplesOfType("BloodPressureRecord");
    assertThat(hk)
        .isNotEmpty()
        .allSatisfy(s -> assertThat(((HkCorrelation) s.getBody()).getMembers()).hasSize(2));
    assertThat(hc)
        .isNotEmpty()
        .allSatisfy(
            s -> {
              var m = ((HcInstantaneous) s.getBody()).getMeasurements();
              assertThat(m).extracting(x -> x.getField()).containsExactly("systolic", "diastolic");
              assertThat(m.get(0).getValue()).isGreaterThan(m.get(1).getValue());
            });
  }

  @Test
  void noFreshSampleLiesInTheFuture() {
    generate(20_000);
    assertThat(samples(Outcome.NEW))
        .allSatisfy(s -> assertThat(s.getEndTime()).isBeforeOrEqualTo(NOW.plusSeconds(1)));
  }

  @Test
  void theSameSeedGivesTheSameTraffic() {
    TrafficGenerator again =
        new TrafficGenerator(
            40,
            7,
            Clock.fixed(NOW, ZoneOffset.UTC),
            Duration.ofDays(3),
            TrafficGenerator.Mix.DEFAULT);
    generate(2_000);
    for (SimulatedRecord r : records) {
      SimulatedRecord other = again.next();
      assertThat(other.outcome()).isEqualTo(r.outcome());
      if (r instanceof SimulatedRecord.Sample s) {
        // Compared as text: NaN (a bad record on purpose) is not equal to itself.
        assertThat(((SimulatedRecord.Sample) other).sample().toString())
            .isEqualTo(s.sample().toString());
      }
    }
  }
}
