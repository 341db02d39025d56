package io.fhirflow.topology.summary;

import io.fhirflow.mapping.SummaryFigures;
import io.fhirflow.mapping.SummaryObservations;
import io.fhirflow.topology.CompactSerde;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serde;

/**
 * One summary's running figures and what was last written of it: the value of {@link
 * SummaryState#AGGREGATES} (docs/summaries.md "How it is computed").
 *
 * <p>Adding a contribution keeps every figure exact. Taking one back keeps the sum and the count
 * exact (decimal subtraction); min, max, the period's bounds and the smallest source ids stay exact
 * too unless the contribution taken back held the extreme alone: each {@link Extreme} counts how
 * many contributions hold its value, and only when that count falls to 0 is the figure unknown
 * ({@linkplain #needsRescan stale}) until a later contribution reaches or passes the old value, or
 * the summary is recomputed from its contributions ({@link #rescan}) before it is written.
 */
public final class SummaryAggregate {

  /**
   * Source ids in the order of their text: UUID text is fixed-width lowercase hex of the two longs,
   * so comparing them unsigned orders them as the strings do, without building the strings.
   */
  static final Comparator<UUID> ID_ORDER =
      (a, b) -> {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0
            ? c
            : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
      };

  // A bound (epoch second, offset) as one number ordered as the bounds are chosen: the earliest
  // start, on a tie the larger offset; the latest end, on a tie the larger offset. Offsets are
  // within +-18 h (+-64 800 s), so 2^17 values of slack; epoch seconds * 2^17 stay below 2^53, so
  // a double holds the number exactly until the year 4000.
  private static final long OFFSET_SLOTS = 1L << 17;
  private static final long OFFSET_BIAS = 1L << 16;

  private int version;
  private int generation;
  private long hash;
  private final long lastDay;

  /** Epoch millis from which the changed summary is due to be written; 0 when unchanged. */
  private long dueAt;

  private BigDecimal sum = BigDecimal.ZERO;
  private long count;
  private final Extreme min = new Extreme(true);
  private final Extreme max = new Extreme(false);
  private final Extreme start = new Extreme(true);
  private final Extreme end = new Extreme(false);
  private final TreeSet<UUID> sources = new TreeSet<>(ID_ORDER);

  /** Whether some contribution's source is not in {@link #sources} (there were more). */
  private boolean sourcesOverflow;

  /**
   * Whether {@link #sources} lost an id while others were left out: the next smallest is unknown.
   */
  private boolean sourcesStale;

  /**
   * @param lastDay the last local date (epoch day) the period touches, for expiry
   */
  SummaryAggregate(long lastDay) {
    this.lastDay = lastDay;
  }

  int version() {
    return version;
  }

  int generation() {
    return generation;
  }

  long hash() {
    return hash;
  }

  long lastDay() {
    return lastDay;
  }

  long count() {
    return count;
  }

  long dueAt() {
    return dueAt;
  }

  /**
   * Marks the summary changed, due at {@code at} (the latest of the times given since it was last
   * written). Returns whether that moved its due time.
   */
  boolean dueAt(long at) {
    if (at <= dueAt) {
      return false;
    }
    dueAt = at;
    return true;
  }

  /** Whether anything about it is still to be written. */
  public boolean isDue() {
    return dueAt > 0;
  }

  /** Records that {@code version} with these figures was written. */
  void written(int version, long hash) {
    this.version = version;
    this.hash = hash;
    this.dueAt = 0;
  }

  /** Records that the summary was looked at and nothing needed writing. */
  void unchanged() {
    this.dueAt = 0;
  }

  /**
   * Records that the deletion marker was written: data arriving later makes the next generation.
   */
  void retracted() {
    version = 0;
    hash = 0;
    dueAt = 0;
    generation++;
  }

  /** Adds one record's contribution. */
  void add(SummaryState.Contribution c) {
    sum = sum.add(c.sum());
    count += c.count();
    min.add(c.min());
    max.add(c.max());
    start.add(startKey(c));
    end.add(endKey(c));
    if (!sourcesStale) {
      for (UUID u : c.sources()) {
        if (sources.size() == SummaryObservations.DERIVED_FROM_MAX
            && ID_ORDER.compare(u, sources.last()) > 0) {
          // Past the full list's largest: left out without an insert and a removal, the common
          // case once a period has 20 sources (ids are random, so most are larger).
          sourcesOverflow = true;
          continue;
        }
        sources.add(u);
        if (sources.size() > SummaryObservations.DERIVED_FROM_MAX) {
          sources.pollLast();
          sourcesOverflow = true;
        }
      }
    }
  }

  /**
   * Takes back one record's contribution.
   *
   * @param readded source ids the same record adds again right after (its new version), which
   *     therefore do not leave a gap in the smallest ids
   */
  void remove(SummaryState.Contribution c, Set<UUID> readded) {
    sum = sum.subtract(c.sum());
    count -= c.count();
    if (count == 0) {
      sum = BigDecimal.ZERO;
      clearFigures();
      return;
    }
    min.remove(c.min());
    max.remove(c.max());
    start.remove(startKey(c));
    end.remove(endKey(c));
    if (!sourcesStale) {
      for (UUID u : c.sources()) {
        if (!readded.contains(u) && sources.remove(u) && sourcesOverflow) {
          sourcesStale = true;
        }
      }
    }
  }

  /**
   * Whether a figure the summary writes is unknown after a take-back; min and max count only when
   * written as components.
   */
  boolean needsRescan(boolean writesMin, boolean writesMax) {
    return count > 0
        && (start.stale
            || end.stale
            || sourcesStale
            || (writesMin && min.stale)
            || (writesMax && max.stale));
  }

  /** Recomputes every figure from the period's current contributions. */
  void rescan(Iterable<SummaryState.Contribution> contributions) {
    sum = BigDecimal.ZERO;
    count = 0;
    clearFigures();
    for (SummaryState.Contribution c : contributions) {
      add(c);
    }
  }

  private void clearFigures() {
    min.clear();
    max.clear();
    start.clear();
    end.clear();
    sources.clear();
    sourcesOverflow = false;
    sourcesStale = false;
  }

  /**
   * The figures to write; null when the period has no contribution. Call after {@link #rescan} if
   * {@link #needsRescan}.
   */
  SummaryFigures figures() {
    if (count == 0) {
      return null;
    }
    return new SummaryFigures(
        sum,
        count,
        min.value,
        max.value,
        bound((long) start.value, true),
        bound((long) end.value, false),
        sources.stream().map(UUID::toString).toList());
  }

  /**
   * A 64-bit digest of what the summary writes: exact sum (unscaled value and scale), count, min
   * and max where written ({@code writesMin}, {@code writesMax}; 0 otherwise), the period's bounds
   * and the listed source ids; equal figures give equal digests, and a written figure that changes
   * changes the digest but for a 2^-64 chance. Compared with the digest of the version last written
   * to skip writing a summary whose figures came back to what they were.
   *
   * <p>Why not a cryptographic hash of the figures' text (the digest before 2026-12-08: SHA-256
   * over a string of them): it built the 20 ids' text and the string for every summary at every
   * emission, where mixing the numbers the aggregate holds is enough to tell two versions apart
   * (nothing here is adversarial: a patient's own samples). Call after {@link #rescan} if {@link
   * #needsRescan}.
   */
  long digest(boolean writesMin, boolean writesMax) {
    long h = mix(DIGEST_SEED, sum.scale());
    BigInteger unscaled = sum.unscaledValue();
    if (unscaled.bitLength() < 64) {
      h = mix(h, unscaled.longValue());
    } else {
      for (byte x : unscaled.toByteArray()) {
        h = mix(h, x);
      }
    }
    h = mix(h, count);
    h = mix(h, writesMin ? Double.doubleToLongBits(min.value) : 0);
    h = mix(h, writesMax ? Double.doubleToLongBits(max.value) : 0);
    h = mix(h, Double.doubleToLongBits(start.value));
    h = mix(h, Double.doubleToLongBits(end.value));
    h = mix(h, sources.size());
    for (UUID u : sources) {
      h = mix(h, u.getMostSignificantBits());
      h = mix(h, u.getLeastSignificantBits());
    }
    return fmix(h);
  }

  private static final long DIGEST_SEED = 0x2026_1208_5157L;

  /** One step of the digest: the value scrambled (MurmurHash3's finaliser) into the running one. */
  private static long mix(long h, long v) {
    return (h ^ fmix(v)) * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
  }

  /**
   * MurmurHash3's 64-bit finaliser: a bijection in which every input bit moves every output bit.
   */
  private static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  private static double startKey(SummaryState.Contribution c) {
    return c.startEpoch() * OFFSET_SLOTS + (OFFSET_BIAS - c.startOffset());
  }

  private static double endKey(SummaryState.Contribution c) {
    return c.endEpoch() * OFFSET_SLOTS + (OFFSET_BIAS + c.endOffset());
  }

  private static OffsetDateTime bound(long key, boolean isStart) {
    long epoch = Math.floorDiv(key, OFFSET_SLOTS);
    long slot = key - epoch * OFFSET_SLOTS;
    long offset = isStart ? OFFSET_BIAS - slot : slot - OFFSET_BIAS;
    return OffsetDateTime.ofInstant(
        Instant.ofEpochSecond(epoch), ZoneOffset.ofTotalSeconds((int) offset));
  }

  /**
   * The smallest (or largest) value among the contributions and how many contributions hold it.
   * After the last holder is taken back the value is {@code stale}: every remaining contribution is
   * then strictly beyond it, so a new contribution at or before it is the extreme again, and any
   * other leaves it unknown.
   */
  private static final class Extreme {
    private final boolean lowest;
    private double value;
    private long holders;
    private boolean stale;

    Extreme(boolean lowest) {
      this.lowest = lowest;
      clear();
    }

    void clear() {
      value = lowest ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      holders = 0;
      stale = false;
    }

    void add(double v) {
      int c = lowest ? Double.compare(v, value) : Double.compare(value, v);
      if (c < 0 || (stale && c == 0)) {
        value = v;
        holders = 1;
        stale = false;
      } else if (c == 0) {
        holders++;
      }
    }

    void remove(double v) {
      if (!stale && Double.compare(v, value) == 0 && --holders == 0) {
        stale = true;
      }
    }
  }

  public static Serde<SummaryAggregate> serde() {
    return CompactSerde.of(SummaryAggregate::toBytes, SummaryAggregate::parse);
  }

  private byte[] toBytes() {
    byte[] unscaled = sum.unscaledValue().toByteArray();
    ByteBuffer b =
        ByteBuffer.allocate(
            4
                + 4
                + 8
                + 8
                + 8
                + 4
                + 2
                + unscaled.length
                + 8
                + 4 * (8 + 8 + 1)
                + 1
                + 1
                + 16 * sources.size());
    b.putInt(version).putInt(generation).putLong(hash).putLong(lastDay).putLong(dueAt);
    b.putInt(sum.scale()).putShort((short) unscaled.length).put(unscaled).putLong(count);
    for (Extreme e : List.of(min, max, start, end)) {
      b.putDouble(e.value).putLong(e.holders).put((byte) (e.stale ? 1 : 0));
    }
    b.put((byte) ((sourcesOverflow ? 1 : 0) | (sourcesStale ? 2 : 0)));
    b.put((byte) sources.size());
    for (UUID u : sources) {
      b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    }
    return b.array();
  }

  private static SummaryAggregate parse(ByteBuffer b) {
    int version = b.getInt();
    int generation = b.getInt();
    long hash = b.getLong();
    SummaryAggregate a = new SummaryAggregate(b.getLong());
    a.version = version;
    a.generation = generation;
    a.hash = hash;
    a.dueAt = b.getLong();
    int scale = b.getInt();
    byte[] unscaled = new byte[b.getShort()];
    b.get(unscaled);
    a.sum = new BigDecimal(new BigInteger(unscaled), scale);
    a.count = b.getLong();
    for (Extreme e : List.of(a.min, a.max, a.start, a.end)) {
      e.value = b.getDouble();
      e.holders = b.getLong();
      e.stale = b.get() == 1;
    }
    int flags = b.get();
    a.sourcesOverflow = (flags & 1) != 0;
    a.sourcesStale = (flags & 2) != 0;
    int n = b.get() & 0xff;
    List<UUID> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(new UUID(b.getLong(), b.getLong()));
    }
    a.sources.addAll(ids);
    return a;
  }
}
