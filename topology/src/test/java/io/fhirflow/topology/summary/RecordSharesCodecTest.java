package io.fhirflow.topology.summary;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * The {@link SummaryState#RECORDS} entry's bytes: every entry reads back equal, entries of the
 * layout before read too, and a heart-rate sample's entry is a third of what it was.
 */
class RecordSharesCodecTest {

  private final Serde<SummaryState.RecordShares> serde = SummaryState.RecordShares.serde();
  private final Random random = new Random(7);

  @Test
  void everyEntryReadsBackEqualInBothLayouts() {
    for (int i = 0; i < 5_000; i++) {
      SummaryState.RecordShares r = randomEntry();
      assertThat(roundTrip(serde.serializer().serialize("t", r))).as("entry %d", i).isEqualTo(r);
      assertThat(roundTrip(before20261207(r))).as("old layout, entry %d", i).isEqualTo(r);
    }
  }

  @Test
  void aSeriesRecordWithHundredsOfSourcesReadsBackEqualWithEachIdOnce() {
    // A day of a heart-rate series: 24 hours of 20 listed sources each, the day listing the
    // smallest 20 of them again (the ids past 16 take the codec's map path).
    List<UUID> all = new ArrayList<>();
    List<SummaryState.Share> shares = new ArrayList<>();
    long day = 20_790;
    for (int h = 0; h < 24; h++) {
      List<UUID> hour = new ArrayList<>();
      for (int k = 0; k < 20; k++) {
        hour.add(UUID.randomUUID());
      }
      all.addAll(hour);
      long start = day * 86_400L + h * 3_600L;
      shares.add(
          new SummaryState.Share(
              "heart-rate-hour",
              start,
              new SummaryState.Contribution(
                  BigDecimal.valueOf(1_400 + h),
                  20,
                  60,
                  80,
                  start,
                  3_600,
                  start + 3_600,
                  3_600,
                  day,
                  List.copyOf(hour))));
    }
    shares.add(
        new SummaryState.Share(
            "heart-rate-day",
            day,
            new SummaryState.Contribution(
                BigDecimal.valueOf(34_000),
                480,
                60,
                80,
                day * 86_400L,
                3_600,
                (day + 1) * 86_400L,
                3_600,
                day,
                List.copyOf(all.subList(0, 20)))));
    SummaryState.RecordShares r = new SummaryState.RecordShares(3, 1_796_000_000_000L, shares, day);

    byte[] bytes = serde.serializer().serialize("t", r);

    assertThat(roundTrip(bytes)).isEqualTo(r);
    // Each id once: the day's 20 (also listed by hour 0) are named by position, not repeated.
    assertThat(occurrences(bytes, all.get(0))).isEqualTo(1);
    assertThat(occurrences(bytes, all.get(479))).isEqualTo(1);
  }

  @Test
  void aHeartRateSamplesEntryIsAThirdOfTheOldLayout() {
    UUID source = UUID.randomUUID();
    long hour = 1_796_000_400L;
    long day = Math.floorDiv(hour, 86_400L);
    SummaryState.RecordShares r =
        new SummaryState.RecordShares(
            3,
            1_796_001_234_567L,
            List.of(
                new SummaryState.Share(
                    "heart-rate-hour",
                    hour,
                    one(72, hour, 3_600, hour + 3_600, 3_600, day + 1, source)),
                new SummaryState.Share(
                    "heart-rate-day",
                    day,
                    one(
                        72,
                        day * 86_400 - 3_600,
                        3_600,
                        day * 86_400 + 82_800,
                        3_600,
                        day,
                        source))),
            day + 1);

    byte[] now = serde.serializer().serialize("t", r);
    byte[] before = before20261207(r);

    assertThat(before).hasSize(241);
    assertThat(now).hasSize(69);
    assertThat(roundTrip(now)).isEqualTo(r);
  }

  private SummaryState.RecordShares roundTrip(byte[] bytes) {
    return serde.deserializer().deserialize("t", bytes);
  }

  private static SummaryState.Contribution one(
      double value,
      long startEpoch,
      int startOffset,
      long endEpoch,
      int endOffset,
      long lastDay,
      UUID source) {
    return new SummaryState.Contribution(
        BigDecimal.valueOf(value),
        1,
        value,
        value,
        startEpoch,
        startOffset,
        endEpoch,
        endOffset,
        lastDay,
        List.of(source));
  }

  /** Known and unknown measures, one and several values, huge and negative sums, shared ids. */
  private SummaryState.RecordShares randomEntry() {
    List<UUID> pool = new ArrayList<>();
    for (int i = 0; i < 1 + random.nextInt(25); i++) {
      pool.add(UUID.randomUUID());
    }
    String[] measures = {
      "heart-rate-hour",
      "heart-rate-day",
      "steps-day",
      "sleep-rem-night",
      "oxygen-saturation-day",
      "a-measure-of-a-platform-team",
      "pas-à-pas-jour"
    };
    List<SummaryState.Share> shares = new ArrayList<>();
    long lastDay = 20_000 + random.nextInt(400);
    for (int i = 0; i < random.nextInt(5); i++) {
      long count = 1 + random.nextInt(random.nextBoolean() ? 1 : 3_000);
      BigDecimal sum =
          switch (random.nextInt(4)) {
            case 0 -> BigDecimal.valueOf(random.nextInt(200));
            case 1 -> BigDecimal.valueOf(random.nextDouble() * 1e4 - 5e3);
            case 2 -> new BigDecimal(new BigInteger(100 + random.nextInt(100), random), 12);
            default -> BigDecimal.valueOf(-0.0);
          };
      double min = count == 1 ? sum.doubleValue() : sum.doubleValue() / count - random.nextInt(9);
      double max = count == 1 ? sum.doubleValue() : min + random.nextInt(9);
      List<UUID> sources = new ArrayList<>();
      for (int k = 0; k < Math.min(pool.size(), random.nextInt(21)); k++) {
        sources.add(pool.get(k));
      }
      long start = (lastDay - random.nextInt(3)) * 86_400L + random.nextInt(86_400);
      int startOffset = (random.nextInt(57) - 24) * 1_800 + (random.nextBoolean() ? 0 : 45 * 60);
      shares.add(
          new SummaryState.Share(
              measures[random.nextInt(measures.length)],
              random.nextBoolean() ? start - start % 3_600 : lastDay - random.nextInt(3),
              new SummaryState.Contribution(
                  sum,
                  count,
                  min,
                  max,
                  start,
                  startOffset,
                  start + (random.nextBoolean() ? 3_600 : 82_800 + random.nextInt(7_201)),
                  startOffset + (random.nextInt(3) - 1) * 3_600,
                  lastDay - random.nextInt(2),
                  List.copyOf(sources))));
    }
    long modified =
        random.nextInt(10) == 0 ? Long.MIN_VALUE : 1_700_000_000_000L + random.nextInt();
    return new SummaryState.RecordShares(random.nextInt(1_000), modified, shares, lastDay);
  }

  /** The entry as the store wrote it until 2026-12-06 (fixed-width numbers). */
  private static byte[] before20261207(SummaryState.RecordShares r) {
    List<byte[]> parts = new ArrayList<>();
    int size = 8 + 8 + 8 + 2;
    for (SummaryState.Share s : r.shares()) {
      byte[] m = s.measure().getBytes(StandardCharsets.UTF_8);
      byte[] c = contributionBefore20261207(s.contribution());
      parts.add(m);
      parts.add(c);
      size += 1 + m.length + 8 + 4 + c.length;
    }
    ByteBuffer b =
        ByteBuffer.allocate(size)
            .putLong(r.recordVersion())
            .putLong(r.lastModifiedMillis())
            .putLong(r.lastDay())
            .putShort((short) r.shares().size());
    for (int i = 0; i < r.shares().size(); i++) {
      byte[] m = parts.get(2 * i);
      byte[] c = parts.get(2 * i + 1);
      b.put((byte) m.length).put(m).putLong(r.shares().get(i).period()).putInt(c.length).put(c);
    }
    return b.array();
  }

  private static byte[] contributionBefore20261207(SummaryState.Contribution c) {
    byte[] unscaled = c.sum().unscaledValue().toByteArray();
    ByteBuffer b =
        ByteBuffer.allocate(
            4 + 1 + unscaled.length + 8 + 8 + 8 + 8 + 4 + 8 + 4 + 8 + 1 + 16 * c.sources().size());
    b.putInt(c.sum().scale()).put((byte) unscaled.length).put(unscaled).putLong(c.count());
    b.putDouble(c.min()).putDouble(c.max());
    b.putLong(c.startEpoch()).putInt(c.startOffset()).putLong(c.endEpoch()).putInt(c.endOffset());
    b.putLong(c.lastDay()).put((byte) c.sources().size());
    c.sources()
        .forEach(u -> b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()));
    return b.array();
  }

  private static int occurrences(byte[] bytes, UUID id) {
    byte[] needle =
        ByteBuffer.allocate(16)
            .putLong(id.getMostSignificantBits())
            .putLong(id.getLeastSignificantBits())
            .array();
    int n = 0;
    for (int i = 0; i + 16 <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + 16, needle, 0, 16)) {
        n++;
      }
    }
    return n;
  }
}
