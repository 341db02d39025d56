package io.fhirflow.topology.summary;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.mapping.SummaryFigures;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The running aggregate against a plain recomputation over the contributions that are current,
 * after every step of random adds, updates (take back + add) and deletions, including through its
 * serde; and the promise that only taking back a figure's only holder costs a rescan.
 */
class SummaryAggregateTest {

  private static final long DAY = 1_773_446_400L; // 2026-03-14T00:00:00Z

  @Test
  void staysEqualToARecomputationThroughAddsUpdatesAndDeletionsInAnyOrder() {
    SplittableRandom random = new SplittableRandom(20261206);
    int rescans = 0;
    int steps = 0;
    for (int round = 0; round < 200; round++) {
      SummaryAggregate a = new SummaryAggregate(20_526);
      Map<Integer, SummaryState.Contribution> current = new HashMap<>();
      for (int step = 0; step < 60; step++) {
        steps++;
        step(random, a, current);
        a = roundTrip(a);
        if (a.needsRescan(true, true)) {
          a.rescan(current.values());
          rescans++;
        }
        assertThat(a.needsRescan(true, true)).isFalse();
        assertThat(describe(a.figures())).isEqualTo(describe(recompute(current.values())));
      }
    }
    assertThat(rescans).as("the sequences did take back sole holders").isPositive();
    assertThat(steps).isEqualTo(12_000);
  }

  @Test
  void theDigestChangesExactlyWhenAWrittenFigureChanges() {
    SplittableRandom random = new SplittableRandom(20261208);
    int changes = 0;
    for (int round = 0; round < 200; round++) {
      SummaryAggregate a = new SummaryAggregate(20_526);
      Map<Integer, SummaryState.Contribution> current = new HashMap<>();
      String lastFigures = null;
      long lastDigest = 0;
      for (int step = 0; step < 60; step++) {
        step(random, a, current);
        if (a.needsRescan(true, true)) {
          a.rescan(current.values());
        }
        if (a.count() == 0) {
          lastFigures = null;
          continue;
        }
        // Every figure as it is held, the sum with its scale (as the digest takes it).
        String figures = a.figures().sum().toString() + " " + describe(a.figures());
        long digest = a.digest(true, true);
        assertThat(roundTrip(a).digest(true, true)).isEqualTo(digest);
        if (lastFigures != null) {
          assertThat(digest == lastDigest)
              .as("%s -> %s", lastFigures, figures)
              .isEqualTo(figures.equals(lastFigures));
          changes += figures.equals(lastFigures) ? 0 : 1;
        }
        lastFigures = figures;
        lastDigest = digest;
      }
    }
    assertThat(changes).isGreaterThan(5_000);
  }

  @Test
  void theDigestLeavesOutMinAndMaxWhereTheyAreNotWritten() {
    SummaryAggregate a = new SummaryAggregate(20_526);
    a.add(contribution(new SplittableRandom(1), 1));
    SummaryAggregate b = roundTrip(a);
    // Only min and max move: nothing added to sum or count, bounds inside the period's.
    b.add(
        new SummaryState.Contribution(
            BigDecimal.ZERO, 0, -1e9, 1e9, DAY + 40_000, 0, DAY + 40_001, 0, 20_526, List.of()));

    assertThat(b.digest(false, false)).isEqualTo(a.digest(false, false));
    assertThat(b.digest(true, false)).isNotEqualTo(a.digest(true, false));
    assertThat(b.digest(false, true)).isNotEqualTo(a.digest(false, true));
  }

  @Test
  void takingBackOneOfSeveralHoldersOfTheMaximumNeedsNoRescanButTheLastOneDoes() {
    SummaryAggregate a = new SummaryAggregate(20_526);
    SummaryState.Contribution first = single(90, 1);
    SummaryState.Contribution second = single(90, 2);
    SummaryState.Contribution low = single(60, 3);
    a.add(first);
    a.add(second);
    a.add(low);

    a.remove(first, Set.of());
    assertThat(a.needsRescan(true, true)).isFalse();
    assertThat(a.figures().max()).isEqualTo(90);

    a.remove(second, Set.of());
    assertThat(a.needsRescan(true, true)).as("the maximum's last holder went").isTrue();
    assertThat(a.needsRescan(false, false))
        .as("a summary that writes no maximum need not know it")
        .isFalse();
    a.rescan(List.of(low));
    assertThat(a.figures().max()).isEqualTo(60);
    assertThat(a.figures().count()).isEqualTo(1);
  }

  @Test
  void aNewValueAtOrBeyondAStaleExtremeMakesItKnownAgain() {
    SummaryAggregate a = new SummaryAggregate(20_526);
    SummaryState.Contribution high = single(90, 1);
    a.add(high);
    a.add(single(60, 2));
    a.remove(high, Set.of());
    assertThat(a.needsRescan(true, true)).isTrue();

    a.add(single(95, 3));

    assertThat(a.needsRescan(true, true)).isFalse();
    assertThat(a.figures().max()).isEqualTo(95);
  }

  private static SummaryAggregate roundTrip(SummaryAggregate a) {
    var serde = SummaryAggregate.serde();
    return serde.deserializer().deserialize("t", serde.serializer().serialize("t", a));
  }

  private static SummaryState.Contribution single(double value, long source) {
    return new SummaryState.Contribution(
        BigDecimal.valueOf(value),
        1,
        value,
        value,
        DAY,
        3600,
        DAY + 86_400,
        3600,
        20_526,
        List.of(new UUID(0, source)));
  }

  /** A record's share: values from a small set (ties), one of three zones, 0-4 source ids. */
  /**
   * One random change to {@code a}: one of 12 records' contribution is taken back (a deletion) or
   * replaced by a new one (a first version or an update), {@code current} following it.
   */
  private static void step(
      SplittableRandom random,
      SummaryAggregate a,
      Map<Integer, SummaryState.Contribution> current) {
    int record = random.nextInt(12);
    SummaryState.Contribution previous = current.get(record);
    if (previous != null && random.nextInt(3) == 0) {
      a.remove(previous, Set.of());
      current.remove(record);
    } else {
      SummaryState.Contribution c = contribution(random, record);
      if (previous != null) {
        a.remove(previous, Set.copyOf(c.sources()));
      }
      a.add(c);
      current.put(record, c);
    }
  }

  private static SummaryState.Contribution contribution(SplittableRandom random, int record) {
    int n = 1 + random.nextInt(4);
    BigDecimal sum = BigDecimal.ZERO;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double v = 50 + random.nextInt(8) * 0.5;
      sum = sum.add(BigDecimal.valueOf(v));
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    int[] offsets = {3600, 7200, -18_000};
    int zone = random.nextInt(offsets.length);
    int offset = offsets[zone];
    List<UUID> sources = new ArrayList<>();
    int ids = random.nextInt(5);
    for (int i = 0; i < ids; i++) {
      // Ids belong to one record and an update keeps some, as Observation ids do; the high bit is
      // set in some, so the unsigned order must match the text order.
      long n8 = record * 8L + random.nextInt(8);
      sources.add(new UUID(Long.rotateLeft(n8 * 0x9E3779B97F4A7C15L, 7), n8));
    }
    sources.sort(SummaryAggregate.ID_ORDER);
    return new SummaryState.Contribution(
        sum,
        n,
        min,
        max,
        DAY - offset,
        offset,
        DAY + 86_400 - offset,
        offset,
        20_526,
        List.copyOf(new TreeSet<>(sources)));
  }

  /** What the processor computed before running aggregates: everything from the contributions. */
  private static SummaryFigures recompute(Iterable<SummaryState.Contribution> all) {
    SummaryAggregate fresh = new SummaryAggregate(20_526);
    List<SummaryState.Contribution> list = new ArrayList<>();
    all.forEach(list::add);
    BigDecimal sum = BigDecimal.ZERO;
    long count = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    TreeSet<String> ids = new TreeSet<>();
    long startEpoch = Long.MAX_VALUE;
    int startOffset = 0;
    long endEpoch = Long.MIN_VALUE;
    int endOffset = 0;
    for (SummaryState.Contribution c : list) {
      sum = sum.add(c.sum());
      count += c.count();
      min = Math.min(min, c.min());
      max = Math.max(max, c.max());
      c.sources().forEach(u -> ids.add(u.toString()));
      if (c.startEpoch() < startEpoch
          || (c.startEpoch() == startEpoch && c.startOffset() > startOffset)) {
        startEpoch = c.startEpoch();
        startOffset = c.startOffset();
      }
      if (c.endEpoch() > endEpoch || (c.endEpoch() == endEpoch && c.endOffset() > endOffset)) {
        endEpoch = c.endEpoch();
        endOffset = c.endOffset();
      }
    }
    if (count == 0) {
      return null;
    }
    fresh.rescan(list);
    SummaryFigures f = fresh.figures();
    assertThat(f.start().toEpochSecond()).isEqualTo(startEpoch);
    assertThat(f.start().getOffset().getTotalSeconds()).isEqualTo(startOffset);
    assertThat(f.end().toEpochSecond()).isEqualTo(endEpoch);
    assertThat(f.end().getOffset().getTotalSeconds()).isEqualTo(endOffset);
    return new SummaryFigures(
        sum,
        count,
        min,
        max,
        f.start(),
        f.end(),
        ids.stream().limit(io.fhirflow.mapping.SummaryObservations.DERIVED_FROM_MAX).toList());
  }

  private static String describe(SummaryFigures f) {
    if (f == null) {
      return "none";
    }
    return f.sum().stripTrailingZeros().toPlainString()
        + " n="
        + f.count()
        + " min="
        + f.min()
        + " max="
        + f.max()
        + " "
        + f.start()
        + ".."
        + f.end()
        + " "
        + f.derivedFrom().stream().sorted(Comparator.naturalOrder()).toList()
        + " order="
        + f.derivedFrom();
  }
}
