package io.fhirflow.topology;

import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.WearableSamples;

/**
 * HealthKit's sync version, how the phone orders the versions of a record it sends again: the
 * dedupe, update and deletion tests send one record at several versions.
 */
final class SyncVersions {

  private SyncVersions() {}

  static RecordVersion sync(long version) {
    return RecordVersion.newBuilder().setSyncVersion(version).build();
  }

  /** {@link WearableSamples#healthKitSteps} at a sync version. */
  static WearableSample healthKitSteps(String recordId, double count, long version) {
    return WearableSamples.healthKitSteps(recordId, count).setVersion(sync(version)).build();
  }
}
