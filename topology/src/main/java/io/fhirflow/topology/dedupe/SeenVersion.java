package io.fhirflow.topology.dedupe;

import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.topology.CompactSerde;
import io.fhirflow.topology.metrics.DayContribution;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;

/**
 * The version of a sample that was last accepted, ordered as DESIGN.md says: the platform's version
 * number (Health Connect clientRecordVersion, else HealthKit syncVersion, else 0), then
 * lastModifiedTime. Equal or older is a duplicate, newer is an update.
 *
 * @param contributions what this version added to day aggregates (empty without metrics)
 */
public record SeenVersion(
    long recordVersion, long lastModifiedMillis, List<DayContribution> contributions) {

  private static final long NO_TIME = Long.MIN_VALUE;

  public static SeenVersion of(WearableSample sample) {
    RecordVersion v = sample.getVersion();
    long number = 0;
    long modified = NO_TIME;
    if (v != null) {
      if (v.getClientRecordVersion() != null) {
        number = v.getClientRecordVersion();
      } else if (v.getSyncVersion() != null) {
        number = v.getSyncVersion();
      }
      if (v.getLastModifiedTime() != null) {
        modified = v.getLastModifiedTime().toEpochMilli();
      }
    }
    return new SeenVersion(number, modified, List.of());
  }

  /** True if this version is strictly newer than {@code seen}. */
  public boolean isNewerThan(SeenVersion seen) {
    if (recordVersion != seen.recordVersion) {
      return recordVersion > seen.recordVersion;
    }
    return lastModifiedMillis > seen.lastModifiedMillis;
  }

  public SeenVersion withContributions(List<DayContribution> c) {
    return new SeenVersion(recordVersion, lastModifiedMillis, c);
  }

  /** Compact binary form for the store: the value is read and written once per record. */
  public static Serde<SeenVersion> serde() {
    return CompactSerde.of(
        v -> {
          DayContribution.Codec contributions = new DayContribution.Codec(v.contributions);
          ByteBuffer b =
              ByteBuffer.allocate(8 + 8 + contributions.size())
                  .putLong(v.recordVersion)
                  .putLong(v.lastModifiedMillis);
          contributions.write(b);
          return b.array();
        },
        b -> {
          long number = b.getLong();
          long modified = b.getLong();
          return new SeenVersion(number, modified, DayContribution.Codec.read(b));
        });
  }
}
