package io.fhirflow.topology.summary;

import io.fhirflow.contracts.Tenants;
import io.fhirflow.topology.CompactSerde;
import io.fhirflow.topology.dedupe.SeenVersion;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The summaries branch's two stores, their keys and values (docs/summaries.md "Stores", which
 * erasure relies on). Every key of both starts with the patient's 16-byte UUID. A summary's key
 * ends with its patient's tenant when that is not the default tenant (the default tenant's keys are
 * those from before tenants), so the tenant a summary is written for is read from its key.
 */
public final class SummaryState {

  /**
   * (patient, record identity) → {@link RecordShares}: the record's latest version and its
   * contribution to each (measure, period).
   */
  public static final String RECORDS = "summary-records";

  /**
   * (patient, measure, period) → {@link SummaryAggregate}: the running figures, whether and when
   * the summary is due, and the last version written.
   */
  public static final String AGGREGATES = "summary-aggregates";

  /**
   * Changed values kept in memory per store and task at most until the commit (~100 ms under
   * exactly-once); past this many the oldest are written early, so a long commit interval cannot
   * grow them without bound. A sync batch touches one record entry per sample and a few aggregates.
   */
  private static final int MAX_DIRTY_RECORDS = 8192;

  private static final int MAX_DIRTY_AGGREGATES = 4096;

  /**
   * Aggregates kept decoded after they were written (~1.5 KB each): a sync batch's hours and days
   * of its user, many times over.
   */
  private static final int CLEAN_AGGREGATES = 2048;

  /**
   * Record entries are not kept decoded once written: one is read again only by an update or a
   * deletion of its record (a re-sent copy stops at dedupe), rarely within the seconds an LRU of
   * any affordable size holds a task's ~10,000 new records a second, so keeping them cost an insert
   * and an eviction per sample for almost no hit (the pending ones are still found before the
   * commit).
   */
  private static final int CLEAN_RECORDS = 0;

  private SummaryState() {}

  /** {@link #RECORDS} on {@code supplier}, write-behind ({@link WriteBehindStore}). */
  public static StoreBuilder<KeyValueStore<Bytes, RecordShares>> recordsStore(
      KeyValueBytesStoreSupplier supplier) {
    return writeBehind(supplier, RecordShares.serde(), CLEAN_RECORDS, MAX_DIRTY_RECORDS);
  }

  /** {@link #AGGREGATES} on {@code supplier}, write-behind ({@link WriteBehindStore}). */
  public static StoreBuilder<KeyValueStore<Bytes, SummaryAggregate>> aggregatesStore(
      KeyValueBytesStoreSupplier supplier) {
    return writeBehind(supplier, SummaryAggregate.serde(), CLEAN_AGGREGATES, MAX_DIRTY_AGGREGATES);
  }

  private static <V> StoreBuilder<KeyValueStore<Bytes, V>> writeBehind(
      KeyValueBytesStoreSupplier supplier, Serde<V> values, int clean, int maxDirty) {
    return WriteBehindStore.builder(
        Stores.keyValueStoreBuilder(supplier, Serdes.Bytes(), values), clean, maxDirty);
  }

  /** The start of every key of {@code patient} in both stores. */
  static Bytes patientPrefix(UUID patient) {
    return Bytes.wrap(
        ByteBuffer.allocate(16)
            .putLong(patient.getMostSignificantBits())
            .putLong(patient.getLeastSignificantBits())
            .array());
  }

  /** The {@link #RECORDS} key of a record: the patient, then the record's identity. */
  static Bytes recordKey(UUID patient, Bytes identity) {
    byte[] id = identity.get();
    return Bytes.wrap(
        ByteBuffer.allocate(16 + id.length)
            .putLong(patient.getMostSignificantBits())
            .putLong(patient.getLeastSignificantBits())
            .put(id)
            .array());
  }

  /**
   * A summary's identity: patient (of {@code tenant}), measure and period key. Its bytes: the
   * patient's UUID, the measure's length and UTF-8 bytes, the period, and for a tenant other than
   * the default the tenant's name (ASCII, to the end).
   */
  record Key(String tenant, UUID patient, String measure, long period) {

    Bytes bytes() {
      byte[] m = measure.getBytes(StandardCharsets.UTF_8);
      byte[] t =
          Tenants.DEFAULT.equals(tenant) ? new byte[0] : tenant.getBytes(StandardCharsets.UTF_8);
      return Bytes.wrap(
          ByteBuffer.allocate(16 + 1 + m.length + 8 + t.length)
              .putLong(patient.getMostSignificantBits())
              .putLong(patient.getLeastSignificantBits())
              .put((byte) m.length)
              .put(m)
              .putLong(period)
              .put(t)
              .array());
    }

    static Key parse(Bytes key) {
      return read(ByteBuffer.wrap(key.get()));
    }

    private static Key read(ByteBuffer b) {
      UUID patient = new UUID(b.getLong(), b.getLong());
      byte[] m = new byte[b.get() & 0xff];
      b.get(m);
      long period = b.getLong();
      String tenant =
          b.hasRemaining()
              ? new String(b.array(), b.position(), b.remaining(), StandardCharsets.US_ASCII)
              : Tenants.DEFAULT;
      return new Key(tenant, patient, new String(m, StandardCharsets.UTF_8), period);
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
  record Contribution(
      BigDecimal sum,
      long count,
      double min,
      double max,
      long startEpoch,
      int startOffset,
      long endEpoch,
      int endOffset,
      long lastDay,
      List<UUID> sources) {}

  /** One record's contribution to one summary of its patient. */
  record Share(String measure, long period, Contribution contribution) {

    /** Whether this is the record's share of summary {@code key} (of the same patient). */
    boolean isOf(Key key) {
      return period == key.period() && measure.equals(key.measure());
    }
  }

  /**
   * A record as the summaries know it: its latest version and what it adds to each summary.
   *
   * @param lastDay the latest local date among its periods (epoch day), for expiry
   */
  public record RecordShares(
      long recordVersion, long lastModifiedMillis, List<Share> shares, long lastDay) {

    SeenVersion version() {
      return new SeenVersion(recordVersion, lastModifiedMillis, List.of());
    }

    /** Its share of summary {@code key}, or null. */
    Contribution of(Key key) {
      for (Share s : shares) {
        if (s.isOf(key)) {
          return s.contribution();
        }
      }
      return null;
    }

    /** Its bytes: {@link RecordSharesCodec}. */
    public static Serde<RecordShares> serde() {
      return CompactSerde.of(RecordSharesCodec::write, RecordSharesCodec::read);
    }
  }
}
