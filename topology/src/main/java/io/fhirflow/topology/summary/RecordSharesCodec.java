package io.fhirflow.topology.summary;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The bytes of a {@link SummaryState.RecordShares}, the {@link SummaryState#RECORDS} entry every
 * sample that feeds a summary writes (docs/summaries.md "Stores").
 *
 * <p>Compact because it is written, changelogged and kept for the correction horizon once per such
 * sample: a heart-rate sample's entry (its hour and its day) was ~240 bytes with fixed-width
 * fields, and is ~70 here. What makes it small: numbers as variable-length integers (a count of 1,
 * a scale of 0, an offset of one hour take a byte or two); a period's end as its length after the
 * start; a contribution of one value (min = max = the sum) without min and max; each source
 * Observation id once per record, the shares naming it by position; the built-in measures by a
 * byte.
 *
 * <p>Entries written before this layout (2026-12-07) are still read: they start with the record's
 * version as 8 bytes, whose first byte is 0 for every version below 2^56, never {@link #LAYOUT};
 * they are rewritten in this layout the next time their record changes.
 */
final class RecordSharesCodec {

  /** The first byte of this layout. */
  static final byte LAYOUT = (byte) 0xF2;

  /** Flag: min and max equal the sum's value (a single value, or equal ones), not written. */
  private static final int ONE_VALUE = 1;

  /** Flag: the sum's unscaled value fits a long, written as a number rather than its bytes. */
  private static final int SMALL_SUM = 2;

  /**
   * The built-in measures (summaries.tsv of 2026-12-06), written as their position + 1; any other
   * measure is written as 0 and its name. Append only: a position, once written, means its measure
   * for ever.
   */
  private static final List<String> KNOWN_MEASURES =
      List.of(
          "steps-day",
          "active-energy-day",
          "distance-day",
          "heart-rate-hour",
          "heart-rate-day",
          "resting-heart-rate-day",
          "sleep-night",
          "sleep-light-night",
          "sleep-deep-night",
          "sleep-rem-night",
          "oxygen-saturation-day");

  private static final Map<String, Integer> MEASURE_CODES = new LinkedHashMap<>();

  static {
    for (int i = 0; i < KNOWN_MEASURES.size(); i++) {
      MEASURE_CODES.put(KNOWN_MEASURES.get(i), i + 1);
    }
  }

  private RecordSharesCodec() {}

  static byte[] write(SummaryState.RecordShares r) {
    List<SummaryState.Share> shares = r.shares();
    SourceNumbers sources = new SourceNumbers();
    for (int i = 0; i < shares.size(); i++) {
      List<UUID> ids = shares.get(i).contribution().sources();
      for (int j = 0; j < ids.size(); j++) {
        sources.add(ids.get(j));
      }
    }
    VarBytes b = new VarBytes(32 + 16 * sources.size() + 48 * shares.size());
    b.put(LAYOUT)
        .putSigned(r.recordVersion())
        .putSigned(r.lastModifiedMillis())
        .putSigned(r.lastDay())
        .putUnsigned(sources.size());
    for (int i = 0; i < sources.size(); i++) {
      UUID u = sources.get(i);
      b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    }
    b.putUnsigned(shares.size());
    for (int i = 0; i < shares.size(); i++) {
      SummaryState.Share s = shares.get(i);
      Integer code = MEASURE_CODES.get(s.measure());
      if (code != null) {
        b.putUnsigned(code);
      } else {
        byte[] m = s.measure().getBytes(StandardCharsets.UTF_8);
        b.putUnsigned(0).putUnsigned(m.length).put(m);
      }
      b.putSigned(s.period());
      writeContribution(b, s.contribution(), s.period(), r.lastDay(), sources);
    }
    return b.toArray();
  }

  private static void writeContribution(
      VarBytes b,
      SummaryState.Contribution c,
      long period,
      long recordLastDay,
      SourceNumbers sources) {
    BigInteger unscaled = c.sum().unscaledValue();
    boolean oneValue =
        Double.compare(c.min(), c.max()) == 0
            && Double.compare(c.min(), c.sum().doubleValue()) == 0;
    boolean smallSum = unscaled.bitLength() < 64;
    b.put((byte) ((oneValue ? ONE_VALUE : 0) | (smallSum ? SMALL_SUM : 0)))
        .putSigned(c.sum().scale());
    if (smallSum) {
      b.putSigned(unscaled.longValue());
    } else {
      byte[] bytes = unscaled.toByteArray();
      b.putUnsigned(bytes.length).put(bytes);
    }
    b.putUnsigned(c.count());
    if (!oneValue) {
      b.putDouble(c.min()).putDouble(c.max());
    }
    b.putSigned(c.startEpoch() - near(period))
        .putSigned(c.endEpoch() - c.startEpoch())
        .putSigned(c.startOffset())
        .putSigned((long) c.endOffset() - c.startOffset())
        .putSigned(recordLastDay - c.lastDay())
        .putUnsigned(c.sources().size());
    List<UUID> ids = c.sources();
    for (int i = 0; i < ids.size(); i++) {
      b.putUnsigned(sources.numberOf(ids.get(i)));
    }
  }

  /**
   * An epoch second close to where the period starts, so the start is written as a small
   * difference: a day's or a night's key is an epoch day (below 10^6 until the year 4707), an
   * hour's the epoch second it starts at. Only the size depends on it: any key reads back exactly.
   */
  private static long near(long period) {
    return Math.abs(period) < 1_000_000L ? period * 86_400L : period;
  }

  static SummaryState.RecordShares read(ByteBuffer b) {
    if (b.get(b.position()) != LAYOUT) {
      return readBefore20261207(b);
    }
    b.get();
    long version = VarBytes.getSigned(b);
    long modified = VarBytes.getSigned(b);
    long lastDay = VarBytes.getSigned(b);
    int n = VarBytes.getSize(b);
    UUID[] sources = new UUID[n];
    for (int i = 0; i < n; i++) {
      sources[i] = new UUID(b.getLong(), b.getLong());
    }
    int count = VarBytes.getSize(b);
    List<SummaryState.Share> shares = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int code = VarBytes.getSize(b);
      String measure;
      if (code > 0) {
        measure = KNOWN_MEASURES.get(code - 1);
      } else {
        byte[] m = new byte[VarBytes.getSize(b)];
        b.get(m);
        measure = new String(m, StandardCharsets.UTF_8);
      }
      long period = VarBytes.getSigned(b);
      shares.add(
          new SummaryState.Share(measure, period, readContribution(b, period, lastDay, sources)));
    }
    return new SummaryState.RecordShares(version, modified, shares, lastDay);
  }

  private static SummaryState.Contribution readContribution(
      ByteBuffer b, long period, long recordLastDay, UUID[] sources) {
    int flags = b.get();
    int scale = Math.toIntExact(VarBytes.getSigned(b));
    BigInteger unscaled;
    if ((flags & SMALL_SUM) != 0) {
      unscaled = BigInteger.valueOf(VarBytes.getSigned(b));
    } else {
      byte[] bytes = new byte[VarBytes.getSize(b)];
      b.get(bytes);
      unscaled = new BigInteger(bytes);
    }
    BigDecimal sum = new BigDecimal(unscaled, scale);
    long count = VarBytes.getUnsigned(b);
    double min;
    double max;
    if ((flags & ONE_VALUE) != 0) {
      min = sum.doubleValue();
      max = min;
    } else {
      min = b.getDouble();
      max = b.getDouble();
    }
    long startEpoch = near(period) + VarBytes.getSigned(b);
    long endEpoch = startEpoch + VarBytes.getSigned(b);
    int startOffset = Math.toIntExact(VarBytes.getSigned(b));
    int endOffset = Math.toIntExact(startOffset + VarBytes.getSigned(b));
    long lastDay = recordLastDay - VarBytes.getSigned(b);
    int n = VarBytes.getSize(b);
    List<UUID> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(sources[VarBytes.getSize(b)]);
    }
    return new SummaryState.Contribution(
        sum,
        count,
        min,
        max,
        startEpoch,
        startOffset,
        endEpoch,
        endOffset,
        lastDay,
        List.copyOf(ids));
  }

  /** The layout of 2026-12-06: fixed-width numbers, each share's contribution length-prefixed. */
  private static SummaryState.RecordShares readBefore20261207(ByteBuffer b) {
    long version = b.getLong();
    long modified = b.getLong();
    long lastDay = b.getLong();
    int n = b.getShort();
    List<SummaryState.Share> shares = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] m = new byte[b.get() & 0xff];
      b.get(m);
      long period = b.getLong();
      b.getInt(); // the contribution's length: it is read in place
      shares.add(
          new SummaryState.Share(
              new String(m, StandardCharsets.UTF_8), period, readContributionBefore20261207(b)));
    }
    return new SummaryState.RecordShares(version, modified, shares, lastDay);
  }

  private static SummaryState.Contribution readContributionBefore20261207(ByteBuffer b) {
    int scale = b.getInt();
    byte[] unscaled = new byte[b.get() & 0xff];
    b.get(unscaled);
    BigDecimal sum = new BigDecimal(new BigInteger(unscaled), scale);
    long count = b.getLong();
    double min = b.getDouble();
    double max = b.getDouble();
    long startEpoch = b.getLong();
    int startOffset = b.getInt();
    long endEpoch = b.getLong();
    int endOffset = b.getInt();
    long lastDay = b.getLong();
    int n = b.get() & 0xff;
    List<UUID> sources = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      sources.add(new UUID(b.getLong(), b.getLong()));
    }
    return new SummaryState.Contribution(
        sum, count, min, max, startEpoch, startOffset, endEpoch, endOffset, lastDay, sources);
  }

  /**
   * A record's distinct source ids in the order first met, each written once and named by its
   * position. Why not a map: a record has one source or a few (one per Observation it became), and
   * this runs once per sample at every commit, where a LinkedHashMap, its table and an entry per id
   * were allocated and hashed for one or two ids; past {@link #LINEAR} ids a map takes over the
   * look-ups, so a large series record is not quadratic.
   */
  private static final class SourceNumbers {
    private static final int LINEAR = 16;

    private UUID[] ids = new UUID[4];
    private int size;
    private Map<UUID, Integer> index;

    void add(UUID u) {
      if (numberOrMinus(u) >= 0) {
        return;
      }
      if (size == ids.length) {
        ids = Arrays.copyOf(ids, size * 2);
      }
      ids[size] = u;
      if (index != null) {
        index.put(u, size);
      } else if (size + 1 > LINEAR) {
        index = new HashMap<>();
        for (int i = 0; i <= size; i++) {
          index.put(ids[i], i);
        }
      }
      size++;
    }

    int size() {
      return size;
    }

    UUID get(int i) {
      return ids[i];
    }

    int numberOf(UUID u) {
      int n = numberOrMinus(u);
      if (n < 0) {
        throw new IllegalStateException("a source id not collected from the record's shares");
      }
      return n;
    }

    private int numberOrMinus(UUID u) {
      if (index != null) {
        Integer n = index.get(u);
        return n == null ? -1 : n;
      }
      for (int i = 0; i < size; i++) {
        if (ids[i].equals(u)) {
          return i;
        }
      }
      return -1;
    }
  }
}
