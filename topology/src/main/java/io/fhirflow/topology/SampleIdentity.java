package io.fhirflow.topology;

import io.fhirflow.schema.Platform;
import io.fhirflow.schema.WearableSample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The identity of a sample as DESIGN.md defines it: (user id, platform, platform record id),
 * encoded as the dedupe store key. Length prefixes keep ("ab","c") and ("a","bc") apart.
 */
public final class SampleIdentity {

  private SampleIdentity() {}

  /**
   * The start of every identity of {@code userId}'s records on {@code platform} (a prefix-scan
   * key).
   */
  public static byte[] userPrefix(String userId, Platform platform) {
    byte[] user = userId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + 4 + user.length)
        .put((byte) platform.ordinal())
        .putInt(user.length)
        .put(user)
        .array();
  }

  public static byte[] of(WearableSample sample) {
    byte[] user = sample.getUserId().getBytes(StandardCharsets.UTF_8);
    byte[] record = sample.getRecordId().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + 4 + user.length + record.length)
        .put((byte) sample.getPlatform().ordinal())
        .putInt(user.length)
        .put(user)
        .put(record)
        .array();
  }
}
