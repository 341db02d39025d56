package io.fhirflow.schema;

import java.time.Instant;
import java.util.Objects;

/**
 * Deletion events of the raw contract: a {@link WearableSample} whose body is {@link
 * Deletion#DELETED} (schema version 2). The identity (user, platform, record id) says which record
 * the phone deleted; the rest of the record is filled as the schema's {@code Deletion} doc says, so
 * a gateway in Java does not have to know the conventions.
 */
public final class SampleDeletions {

  private SampleDeletions() {}

  /**
   * A deletion of the user's record.
   *
   * @param type the deleted sample's platform type when the gateway knows it, else null
   * @param learnedAt when the gateway learned of the deletion (start, end and received time)
   */
  public static WearableSample of(
      String userId, Platform platform, String recordId, String type, Instant learnedAt) {
    Objects.requireNonNull(learnedAt, "learnedAt");
    return WearableSample.newBuilder()
        .setUserId(userId)
        .setPlatform(platform)
        .setRecordId(recordId)
        .setType(type == null ? "" : type)
        .setStartTime(learnedAt)
        .setEndTime(learnedAt)
        .setReceivedTime(learnedAt)
        .setSource(Source.newBuilder().build())
        .setBody(Deletion.DELETED)
        .build();
  }

  /** True for a deletion event, false for a sample. */
  public static boolean isDeletion(WearableSample sample) {
    return sample.getBody() instanceof Deletion;
  }
}
