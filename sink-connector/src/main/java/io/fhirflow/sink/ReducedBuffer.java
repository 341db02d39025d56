package io.fhirflow.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Records waiting for the next database transaction, reduced to the newest version per resource
 * (Debezium's {@code ReducedRecordBuffer} idea): a batch never holds two rows for one id, which
 * {@code INSERT ... ON CONFLICT DO UPDATE} requires, and superseded versions cost nothing.
 *
 * <p>It also tracks, per partition, the offset after the last record taken in (written or
 * dead-lettered), which becomes committable once the batch is in the database. Not thread-safe:
 * Connect calls a task from one thread.
 */
public final class ReducedBuffer {

  private record Key(ResourceType type, String id) {}

  /**
   * A row and the record it came from (kept for dead-lettering if the database refuses the row).
   */
  public record Pending(ResourceRow row, SinkRecord source) {}

  private final Map<Key, Pending> rows = new LinkedHashMap<>();
  private final java.util.Set<Removal> removals = new java.util.LinkedHashSet<>();
  private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
  private final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
  private int recordsTaken;
  private long oldestTakenAtMs = -1;
  private long oldestTimestampMs = Long.MAX_VALUE;

  /**
   * Takes a row in; keeps it only if it is newer than the row already held for its id.
   *
   * @throws UnwritableRecordException PATIENT_MISMATCH when the row held for its id belongs to
   *     another patient: the first record of a batch to claim an id holds it for the batch, as the
   *     stored row does across batches (nothing is taken in; the caller dead-letters the record)
   */
  public void add(ResourceRow row, SinkRecord source, long nowMs) {
    Pending claim = rows.get(new Key(row.type(), row.id()));
    if (claim != null && !Objects.equals(claim.row().patientId(), row.patientId())) {
      throw new UnwritableRecordException(RejectReason.PATIENT_MISMATCH);
    }
    rows.merge(
        new Key(row.type(), row.id()),
        new Pending(row, source),
        (held, incoming) -> incoming.row().isNewerThan(held.row()) ? incoming : held);
    markTaken(source, nowMs);
  }

  /**
   * Takes an erasure's removal in: the rows it covers that arrived before it are dropped (they are
   * erased), rows after it are kept. The writer applies removals before rows, so that order holds.
   */
  public void remove(Removal removal, SinkRecord source, long nowMs) {
    if (removal.type() == ResourceType.OBSERVATION) {
      rows.values()
          .removeIf(
              p ->
                  p.row().type() == ResourceType.OBSERVATION
                      && removal.id().equals(p.row().patientId()));
    } else {
      rows.remove(new Key(removal.type(), removal.id()));
    }
    removals.add(removal);
    markTaken(source, nowMs);
  }

  /** The removals to apply before {@link #rows()}. */
  public List<Removal> removals() {
    return List.copyOf(removals);
  }

  /** Records a record that produced no row (dead-lettered): its offset still advances. */
  public void markTaken(SinkRecord source, long nowMs) {
    // original*: the consumer's coordinates, even if an SMT renamed the topic (KIP-793)
    TopicPartition partition =
        new TopicPartition(source.originalTopic(), source.originalKafkaPartition());
    long offset = source.originalKafkaOffset();
    offsets.merge(
        partition, new OffsetAndMetadata(offset + 1), (a, b) -> a.offset() >= b.offset() ? a : b);
    firstOffsets.merge(partition, offset, Math::min);
    if (recordsTaken++ == 0) {
      oldestTakenAtMs = nowMs;
    }
    if (source.timestamp() != null) {
      oldestTimestampMs = Math.min(oldestTimestampMs, source.timestamp());
    }
  }

  /** Records taken in since the last clear, including superseded and dead-lettered ones. */
  public int recordsTaken() {
    return recordsTaken;
  }

  public boolean isEmpty() {
    return recordsTaken == 0;
  }

  /** When the first record of the current batch was taken in, or -1 when empty. */
  public long oldestTakenAtMs() {
    return oldestTakenAtMs;
  }

  /**
   * The smallest Kafka timestamp among the records taken in since the last clear, or -1 when none
   * had one. The topology's records keep the raw sample's timestamp (the gateway's send time), so
   * the time since this is how long the batch's oldest sample has been on its way.
   */
  public long oldestTimestampMs() {
    return oldestTimestampMs == Long.MAX_VALUE ? -1 : oldestTimestampMs;
  }

  /** The distinct rows to write, newest version per id, in first-seen order. */
  public List<ResourceRow> rows() {
    return rows.values().stream().map(Pending::row).toList();
  }

  /** The same rows with their source records. */
  public List<Pending> pending() {
    return new ArrayList<>(rows.values());
  }

  /** Offsets that become committable once {@link #rows()} are durably written. */
  public Map<TopicPartition, OffsetAndMetadata> offsets() {
    return Map.copyOf(offsets);
  }

  public void clear() {
    rows.clear();
    removals.clear();
    offsets.clear();
    firstOffsets.clear();
    recordsTaken = 0;
    oldestTakenAtMs = -1;
    oldestTimestampMs = Long.MAX_VALUE;
  }

  /**
   * Drops the whole batch when partitions are revoked (rows are not tagged by partition) and
   * returns where each partition still owned must be rewound to, so that its dropped records are
   * read again instead of being skipped by the next commit. Revoked partitions need no rewind:
   * their records were not committed, so the new owner reads them.
   */
  public Map<TopicPartition, Long> discardFor(Collection<TopicPartition> revoked) {
    if (revoked.stream().noneMatch(offsets::containsKey)) {
      return Map.of();
    }
    Map<TopicPartition, Long> rewind = new HashMap<>(firstOffsets);
    rewind.keySet().removeAll(revoked);
    clear();
    return rewind;
  }
}
