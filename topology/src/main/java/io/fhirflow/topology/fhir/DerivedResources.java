package io.fhirflow.topology.fhir;

import io.fhirflow.topology.CompactSerde;
import io.fhirflow.topology.metrics.DayContribution;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serde;

/**
 * What one platform record has become, as {@link RecordLifecycleProcessor} keeps it for as long as
 * the record may be deleted (for ever, or until the person is erased): the ids of the Observations
 * its latest version produced (the only ones still live) and what its latest version added to day
 * aggregates, or, once the phone deleted it, only that fact.
 *
 * <p>Compact on purpose (one entry per record ever accepted): ids are the 16 bytes of their UUID
 * (mapping's {@code ResourceIds} only makes UUIDs), a deleted record is one byte.
 *
 * @param observationIds the Observation ids of the latest version (those of earlier versions that
 *     it no longer has were retracted when it mapped)
 * @param contributions what the latest version added to day aggregates (to retract on deletion)
 */
public record DerivedResources(
    boolean deleted, List<String> observationIds, List<DayContribution> contributions) {

  static final DerivedResources DELETED = new DerivedResources(true, List.of(), List.of());

  private static final byte LIVE = 0;
  private static final byte GONE = 1;

  public DerivedResources {
    observationIds = List.copyOf(observationIds);
    contributions = List.copyOf(contributions);
  }

  /**
   * The record after one more version mapped to {@code ids}: only this version's ids, since {@link
   * MapProcessor} retracted those of older versions that it no longer has (a series that lost
   * points).
   */
  public static DerivedResources merge(
      DerivedResources prior, List<String> ids, List<DayContribution> contributions) {
    return new DerivedResources(false, ids, contributions);
  }

  public static Serde<DerivedResources> serde() {
    return CompactSerde.of(
        v -> {
          if (v.deleted) {
            return new byte[] {GONE};
          }
          DayContribution.Codec contributions = new DayContribution.Codec(v.contributions);
          ByteBuffer b =
              ByteBuffer.allocate(1 + 4 + 16 * v.observationIds.size() + contributions.size());
          b.put(LIVE).putInt(v.observationIds.size());
          for (String id : v.observationIds) {
            UUID uuid = UUID.fromString(id);
            b.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
          }
          contributions.write(b);
          return b.array();
        },
        b -> {
          if (b.get() == GONE) {
            return DELETED;
          }
          int n = b.getInt();
          List<String> ids = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            ids.add(new UUID(b.getLong(), b.getLong()).toString());
          }
          return new DerivedResources(false, ids, DayContribution.Codec.read(b));
        });
  }
}
