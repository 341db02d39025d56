package io.fhirflow.topology.summary;

import io.fhirflow.topology.dedupe.SeenVersion;
import io.fhirflow.topology.ingest.SampleIdentity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;

/**
 * The summaries branch's stores, their keys and values (docs/summaries.md "Stores", which erasure
 * relies on). Every key of {@link #CONTRIBUTIONS}, {@link #PENDING} and {@link #EMITTED} starts
 * with the patient's 16-byte UUID; {@link #RECORDS} is keyed by {@link SampleIdentity}.
 */
public final class SummaryState {

  /** (patient, measure, period, record) → the record's {@link Contribution} to that period. */
  public static final String CONTRIBUTIONS = "summary-contributions";

  /** record identity → {@link RecordPeriods}: its version and the periods it contributes to. */
  public static final String RECORDS = "summary-record-periods";

  /**
   * (patient, measure, period) → epoch millis after which it is due: changed since last emitted.
   */
  public static final String PENDING = "summary-pending";

  /** (patient, measure, period) → {@link Emitted}: the last version written. */
  public static final String EMITTED = "summary-emitted";

  private SummaryState() {}

  /** A summary's identity: patient, measure and period key. */
  record Key(UUID patient, String measure, long period) {

    Bytes bytes() {
      byte[] m = measure.getBytes(StandardCharsets.UTF_8);
      return Bytes.wrap(
          ByteBuffer.allocate(16 + 1 + m.length + 8)
              .putLong(patient.getMostSignificantBits())
              .putLong(patient.getLeastSignificantBits())
              .put((byte) m.length)
              .put(m)
              .putLong(period)
              .array());
    }

    /** The key of {@code record}'s contribution: this key followed by the record identity. */
    Bytes contribution(Bytes record) {
      byte[] own = bytes().get();
      byte[] id = record.get();
      byte[] all = new byte[own.length + id.length];
      System.arraycopy(own, 0, all, 0, own.length);
      System.arraycopy(id, 0, all, own.length, id.length);
      return Bytes.wrap(all);
    }

    static Key parse(Bytes key) {
      return read(ByteBuffer.wrap(key.get()));
    }

    private static Key read(ByteBuffer b) {
      UUID patient = new UUID(b.getLong(), b.getLong());
      byte[] m = new byte[b.get() & 0xff];
      b.get(m);
      return new Key(patient, new String(m, StandardCharsets.UTF_8), b.getLong());
    }

    private void write(ByteBuffer b) {
      b.put(bytes().get());
    }

    private int size() {
      return 16 + 1 + measure.getBytes(StandardCharsets.UTF_8).length + 8;
    }
  }

  /**
   * What one record adds to one period.
   *
   * @param sum exact decimal sum of its values there
   * @param startEpoch where the period starts in the record's zone (epoch second), with {@code
   *     startOffset}
   * @param endEpoch where it ends, with {@code endOffset}
   * @param lastDay the last local date (epoch day) the period touches, for expiry
   * @param sources the Observations carrying the values (the smallest ids, at most derivedFrom's
   *     bound)
   */
  public record Contribution(
      BigDecimal sum,
      long count,
      double min,
      double max,
      long startEpoch,
      int startOffset,
      long endEpoch,
      int endOffset,
      long lastDay,
      List<UUID> sources) {

    public static Serde<Contribution> serde() {
      return SummaryState.serde(
          c -> {
            byte[] unscaled = c.sum.unscaledValue().toByteArray();
            ByteBuffer b =
                ByteBuffer.allocate(
                    4
                        + 1
                        + unscaled.length
                        + 8
                        + 8
                        + 8
                        + 8
                        + 4
                        + 8
                        + 4
                        + 8
                        + 1
                        + 16 * c.sources.size());
            b.putInt(c.sum.scale())
                .put((byte) unscaled.length)
                .put(unscaled)
                .putLong(c.count)
                .putDouble(c.min)
                .putDouble(c.max)
                .putLong(c.startEpoch)
                .putInt(c.startOffset)
                .putLong(c.endEpoch)
                .putInt(c.endOffset)
                .putLong(c.lastDay)
                .put((byte) c.sources.size());
            c.sources.forEach(
                u -> b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()));
            return b.array();
          },
          b -> {
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
            return new Contribution(
                sum,
                count,
                min,
                max,
                startEpoch,
                startOffset,
                endEpoch,
                endOffset,
                lastDay,
                sources);
          });
    }
  }

  /**
   * A record as the summaries know it.
   *
   * @param lastDay the latest local date among its periods (epoch day), for expiry
   */
  public record RecordPeriods(
      long recordVersion, long lastModifiedMillis, List<Key> periods, long lastDay) {

    SeenVersion version() {
      return new SeenVersion(recordVersion, lastModifiedMillis, List.of());
    }

    public static Serde<RecordPeriods> serde() {
      return SummaryState.serde(
          r -> {
            int size = 8 + 8 + 8 + 4;
            for (Key k : r.periods) {
              size += k.size();
            }
            ByteBuffer b =
                ByteBuffer.allocate(size)
                    .putLong(r.recordVersion)
                    .putLong(r.lastModifiedMillis)
                    .putLong(r.lastDay)
                    .putInt(r.periods.size());
            r.periods.forEach(k -> k.write(b));
            return b.array();
          },
          b -> {
            long version = b.getLong();
            long modified = b.getLong();
            long lastDay = b.getLong();
            int n = b.getInt();
            List<Key> periods = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
              periods.add(Key.read(b));
            }
            return new RecordPeriods(version, modified, periods, lastDay);
          });
    }
  }

  /**
   * The last version of a summary written: {@code version} 0 after the period was emptied (then
   * {@code generation} counts the emptyings, and a refilled period gets a new id).
   *
   * @param hash of the figures last written, so an unchanged summary is not written again
   */
  public record Emitted(int version, int generation, long hash, long lastDay) {

    public static Serde<Emitted> serde() {
      return SummaryState.serde(
          e ->
              ByteBuffer.allocate(4 + 4 + 8 + 8)
                  .putInt(e.version)
                  .putInt(e.generation)
                  .putLong(e.hash)
                  .putLong(e.lastDay)
                  .array(),
          b -> new Emitted(b.getInt(), b.getInt(), b.getLong(), b.getLong()));
    }
  }

  private static <T> Serde<T> serde(Function<T, byte[]> write, Function<ByteBuffer, T> read) {
    return Serdes.serdeFrom(
        (topic, v) -> v == null ? null : write.apply(v),
        (topic, bytes) -> bytes == null ? null : read.apply(ByteBuffer.wrap(bytes)));
  }
}
