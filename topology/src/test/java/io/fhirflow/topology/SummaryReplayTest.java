package io.fhirflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.mapping.MetricPoint;
import io.fhirflow.mapping.SummaryCatalogue;
import io.fhirflow.mapping.SummaryDefinition;
import io.fhirflow.mapping.SummaryStatistic;
import io.fhirflow.mapping.testing.RealExports;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.Datasets;
import io.fhirflow.testkit.WearableSamples;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17's correctness check: a real Apple Health export replayed in a shuffled order with
 * duplicates, updates (an older version with another value and time, before or after the final one)
 * and deletions (before or after their record), through the real topology; every daily, hourly and
 * nightly figure at the end must equal a plain recomputation over the final set of samples, to the
 * unit the summary writes. Summaries are emitted and amended while the replay runs (the wall clock
 * moves every 500 records), as they would be in production. The export's duplicate elements and its
 * samples dated in the future (rejected FUTURE_TIME) are left out of the final set.
 */
class SummaryReplayTest {

  private static final Path DATASETS = Datasets.root();
  private static final MappingCatalogue CATALOGUE = MappingCatalogue.builtIn();
  private static final SummaryCatalogue SUMMARIES = SummaryCatalogue.builtIn(CATALOGUE);

  @ParameterizedTest
  @ValueSource(
      strings = {"apple-health-v11-garmin-iphone/export.xml", "apple-health-v8-iphone/export.xml"})
  void everyFigureEqualsAPlainRecomputationOverTheFinalSamples(String export) throws Exception {
    Path file = DATASETS.resolve(export);
    Assumptions.assumeTrue(
        Files.exists(file), "the shared datasets are not on this machine: " + file);
    List<WearableSample> samples = RealExports.read(file, WearableSamples.USER_ID);

    Random random = new Random(17);
    List<WearableSample> events = new ArrayList<>();
    Map<String, WearableSample> finalSet = new LinkedHashMap<>();
    int updates = 0;
    int deletions = 0;
    int duplicates = 0;
    for (WearableSample raw : samples) {
      if (finalSet.containsKey(raw.getRecordId())
          || raw.getStartTime().isAfter(TopologyHarness.NOW)) {
        continue; // the export's own duplicates, and samples from the future (dead-lettered
        // FUTURE_TIME)
      }
      WearableSample sample = withSyncVersion(raw, 2);
      double dice = random.nextDouble();
      if (dice < 0.08) {
        events.add(sample);
        events.add(WearableSamples.deletionOf(sample));
        deletions++;
        finalSet.put(sample.getRecordId(), null);
        continue;
      }
      if (dice < 0.20) {
        events.add(olderVersion(sample));
        updates++;
      } else if (dice < 0.30) {
        events.add(sample);
        duplicates++;
      }
      events.add(sample);
      finalSet.put(sample.getRecordId(), sample);
    }
    Collections.shuffle(events, random);

    Map<String, Observation> summaries;
    try (TopologyHarness flow =
        new TopologyHarness(
            Map.of(
                TopologyConfig.SUMMARIES_ENABLED_CONFIG, "true",
                TopologyConfig.SUMMARIES_RETENTION_DAYS_CONFIG, "3660",
                TopologyConfig.SUMMARIES_EMIT_MAX_PER_TICK_CONFIG, "1000000"))) {
      SummaryOutputs out = new SummaryOutputs(false);
      for (int i = 0; i < events.size(); i++) {
        flow.send(events.get(i), TopologyHarness.NOW);
        if (i % 500 == 499) {
          flow.advanceWallClock(Duration.ofSeconds(10));
          out.read(flow);
        }
      }
      flow.advanceWallClock(Duration.ofSeconds(10));
      out.read(flow);
      summaries = out.current();
      assertThat(out.records)
          .as("amended while the replay ran")
          .anySatisfy(r -> assertThat(r.value()).contains("\"amended\""));
    }

    Map<String, Expected> expected = recompute(finalSet.values());
    assertThat(updates).isPositive();
    assertThat(deletions).isPositive();
    assertThat(duplicates).isPositive();
    assertThat(expected).isNotEmpty();
    assertThat(summaries.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (Map.Entry<String, Expected> e : expected.entrySet()) {
      e.getValue().check(summaries.get(e.getKey()), e.getKey());
    }
  }

  /**
   * The plain recomputation: every final sample's values, grouped by measure and local period,
   * summed exactly.
   */
  private static Map<String, Expected> recompute(Iterable<WearableSample> finalSamples) {
    io.fhirflow.mapping.FhirMapper mapper = new io.fhirflow.mapping.FhirMapper(CATALOGUE);
    Map<String, Expected> out = new TreeMap<>();
    for (WearableSample s : finalSamples) {
      if (s == null || !(mapper.map(s, false) instanceof Mapped mapped)) {
        continue;
      }
      for (MetricPoint p : mapped.metrics()) {
        for (SummaryDefinition d : SUMMARIES.forMetric(p.metric())) {
          String period =
              switch (d.period()) {
                case DAY -> p.time().atZone(p.zone()).toLocalDate().toString();
                case HOUR ->
                    p.time().atZone(p.zone()).truncatedTo(ChronoUnit.HOURS).toInstant().toString();
                case NIGHT ->
                    p.time()
                        .atZone(p.zone())
                        .toLocalDateTime()
                        .plusHours(6)
                        .toLocalDate()
                        .toString();
              };
          out.computeIfAbsent(d.measure() + "/" + period, k -> new Expected(d)).add(p.value());
        }
      }
    }
    return out;
  }

  /** A summary's figures as the plain recomputation has them. */
  private static final class Expected {
    private final SummaryDefinition d;
    private BigDecimal sum = BigDecimal.ZERO;
    private long count;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    Expected(SummaryDefinition d) {
      this.d = d;
    }

    void add(double value) {
      sum = sum.add(new BigDecimal(Double.toString(value)));
      count++;
      min = Math.min(min, value);
      max = Math.max(max, value);
    }

    private BigDecimal written(BigDecimal v) {
      return v.setScale(d.decimals(), RoundingMode.HALF_EVEN);
    }

    private BigDecimal mean() {
      return sum.divide(BigDecimal.valueOf(count), d.decimals(), RoundingMode.HALF_EVEN);
    }

    void check(Observation o, String what) {
      switch (d.aggregate()) {
        case SUM -> assertThat(SummaryOutputs.value(o)).as(what).isEqualByComparingTo(written(sum));
        case MEAN -> assertThat(SummaryOutputs.value(o)).as(what).isEqualByComparingTo(mean());
        case STATS -> {}
      }
      for (SummaryStatistic s : d.components()) {
        BigDecimal want =
            switch (s) {
              case MINIMUM -> written(new BigDecimal(Double.toString(min)));
              case MAXIMUM -> written(new BigDecimal(Double.toString(max)));
              case AVERAGE -> mean();
              case COUNT -> BigDecimal.valueOf(count);
            };
        assertThat(SummaryOutputs.component(o, s.code()))
            .as(what + " " + s.code())
            .isEqualByComparingTo(want);
      }
    }
  }

  private static WearableSample withSyncVersion(WearableSample s, long version) {
    RecordVersion.Builder v =
        s.getVersion() == null
            ? RecordVersion.newBuilder()
            : RecordVersion.newBuilder(s.getVersion());
    // The reader stamps every sample as received on the datasets' collection day, after the
    // harness's
    // clock; a deletion is learned a minute after its sample's receipt, so it must lie in the past
    // too.
    return WearableSample.newBuilder(s)
        .setVersion(v.setSyncVersion(version).build())
        .setReceivedTime(TopologyHarness.NOW.minus(Duration.ofDays(1)))
        .build();
  }

  /** Version 1 of the record: three hours earlier and, for a quantity, another value. */
  private static WearableSample olderVersion(WearableSample finalVersion) {
    WearableSample.Builder b =
        WearableSample.newBuilder(withSyncVersion(finalVersion, 1))
            .setStartTime(finalVersion.getStartTime().minus(Duration.ofHours(3)))
            .setEndTime(finalVersion.getEndTime().minus(Duration.ofHours(3)));
    if (finalVersion.getBody() instanceof HkQuantity q) {
      b.setBody(HkQuantity.newBuilder(q).setValue(q.getValue() * 0.5 + 1).build());
    }
    return b.build();
  }
}
