package io.fhirflow.topology.ingest;

import io.fhirflow.contracts.Tenants;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.WearableSample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The identity of a sample as DESIGN.md defines it: (tenant, user id, platform, platform record
 * id), encoded as the dedupe and lifecycle store key. Length prefixes keep ("ab","c") and
 * ("a","bc") apart. The default tenant's keys are those from before tenants (platform byte, user,
 * record), so existing state stays valid; another tenant's start with the platform byte plus {@link
 * #TENANT_FLAG} and the tenant's name, so no two tenants share a key or a prefix.
 */
public final class SampleIdentity {

  /** Set in the first byte of a key of a tenant other than the default. */
  static final int TENANT_FLAG = 0x80;

  private SampleIdentity() {}

  /**
   * The start of every identity of {@code userId}'s records on {@code platform} (a prefix-scan
   * key).
   */
  public static byte[] userPrefix(String tenant, String userId, Platform platform) {
    return key(tenant, userId, platform, null);
  }

  public static byte[] of(String tenant, WearableSample sample) {
    return key(tenant, sample.getUserId(), sample.getPlatform(), sample.getRecordId());
  }

  private static byte[] key(String tenant, String userId, Platform platform, String recordId) {
    byte[] user = userId.getBytes(StandardCharsets.UTF_8);
    byte[] record = recordId == null ? new byte[0] : recordId.getBytes(StandardCharsets.UTF_8);
    if (Tenants.DEFAULT.equals(tenant)) {
      return ByteBuffer.allocate(1 + 4 + user.length + record.length)
          .put((byte) platform.ordinal())
          .putInt(user.length)
          .put(user)
          .put(record)
          .array();
    }
    byte[] name = tenant.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + 1 + name.length + 4 + user.length + record.length)
        .put((byte) (platform.ordinal() | TENANT_FLAG))
        .put((byte) name.length)
        .put(name)
        .putInt(user.length)
        .put(user)
        .put(record)
        .array();
  }
}
