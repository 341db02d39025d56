package io.fhirflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.Tenants;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Resource ids are a contract: every stored resource and every consumer's key depends on them, so
 * how {@link ResourceIds} computes them may change but not what it computes. Pinned ids (printed by
 * the code before the hashing stopped building the name as a string, 2026-12-07) and a reference
 * implementation of the documented scheme (UUID v5 of the parts joined by U+001F as UTF-8, in the
 * tenant's namespace) over adversarial names.
 */
class ResourceIdsTest {
  private static final UUID NAMESPACE = UUID.fromString("6f1e0a5c-3b7d-5a52-9c1e-0f4a1d2b8e77");

  @Test
  void idsAreTheOnesIssuedBeforeTheHashingChanged() {
    assertThat(ResourceIds.patient("user-1")).isEqualTo("b348a242-9bcb-5e00-aebb-82945711e2a4");
    assertThat(ResourceIds.patient("acme", "user-1"))
        .isEqualTo("a0bb360e-e4c1-508e-9826-fe39fb3c5e04");
    assertThat(
            ResourceIds.observation(
                "user-1", "HEALTHKIT", "3F2504E0-4F89-11D3-9A0C-0305E82C3301", null))
        .isEqualTo("7d8467d5-fa94-5da5-ae64-85ce002fdb20");
    assertThat(
            ResourceIds.observation(
                "acme", "user-1", "HEALTH_CONNECT", "rec-7", "2026-03-14T08:00:00Z"))
        .isEqualTo("d1ee36c4-66c1-5f27-8f24-a6468142b32e");
    assertThat(ResourceIds.observation("user-ü\uD83D\uDE00", "HEALTHKIT", "r\uD800x", "\uDC00p"))
        .isEqualTo("e59c374a-50b9-5de2-8408-6d6be2e5543b");
    assertThat(ResourceIds.device("user-1", "HEALTHKIT|Apple Inc.|Watch|Watch6,1|"))
        .isEqualTo("25eff516-249b-5df1-b51f-dbbd8e295112");
    assertThat(ResourceIds.device("acme", "user-1", "HEALTH_CONNECT|Withings|Body+||3"))
        .isEqualTo("9e15806a-c41e-56bc-bd83-71973b70137d");
    assertThat(ResourceIds.summary(ResourceIds.patient("user-1"), "heart-rate", "2026-03-14", 0))
        .isEqualTo("bef98d90-78d0-5fe7-8893-64ad42042ba6");
    assertThat(ResourceIds.summary(ResourceIds.patient("user-1"), "heart-rate", "2026-03-14", 2))
        .isEqualTo("5d756a85-b51d-5c20-9f9b-253f46a8ecd4");
    assertThat(
            ResourceIds.observation(
                "u".repeat(300), "HEALTHKIT", "r".repeat(200) + "é" + "s".repeat(100), null))
        .isEqualTo("f2ac131f-9c57-5a76-8c90-6e477195b4f2");
  }

  @Test
  void everyIdIsTheVersion5UuidOfItsJoinedNameForAdversarialParts() {
    Random random = new Random(12);
    for (int round = 0; round < 5_000; round++) {
      String tenant = round % 3 == 0 ? Tenants.DEFAULT : "tenant" + (round % 4);
      String user = adversarial(random);
      String record = adversarial(random);
      String part = random.nextInt(3) == 0 ? null : adversarial(random);
      String deviceKey = adversarial(random);
      byte[] namespace = namespace(tenant);
      List<String> observation = new ArrayList<>(List.of("Observation", user, "HEALTHKIT"));
      observation.add(record);
      if (part != null) {
        observation.add(part);
      }
      assertThat(ResourceIds.observation(tenant, user, "HEALTHKIT", record, part))
          .isEqualTo(reference(namespace, observation.toArray(String[]::new)));
      assertThat(ResourceIds.patient(tenant, user))
          .isEqualTo(reference(namespace, "Patient", user));
      assertThat(ResourceIds.device(tenant, user, deviceKey))
          .isEqualTo(reference(namespace, "Device", user, deviceKey));
    }
  }

  /**
   * ASCII, accents, emoji, lone surrogates at either end (next to a separator), the separator
   * itself, and lengths past the hasher's 128-byte buffer.
   */
  private static String adversarial(Random random) {
    String[] pieces = {
      "a", "Z9-", "é", "\uD83D\uDE00", "\uD800", "\uDC00", "\u001f", "\u0000", "€", "x".repeat(130)
    };
    StringBuilder text = new StringBuilder();
    int n = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      text.append(pieces[random.nextInt(pieces.length)]);
    }
    return text.toString();
  }

  private static byte[] namespace(String tenant) {
    byte[] fhirflow = bytes(NAMESPACE);
    return Tenants.DEFAULT.equals(tenant)
        ? fhirflow
        : bytes(UUID.fromString(reference(fhirflow, "tenant", tenant)));
  }

  /** The scheme as the class comment states it, written the plain way. */
  private static String reference(byte[] namespace, String... parts) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(namespace);
      byte[] hash = sha1.digest(String.join("\u001f", parts).getBytes(StandardCharsets.UTF_8));
      hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
      hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // RFC 4122 variant
      ByteBuffer bits = ByteBuffer.wrap(hash);
      return new UUID(bits.getLong(), bits.getLong()).toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(UUID uuid) {
    return ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits())
        .array();
  }
}
