package io.fhirflow.mapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The one owner of fhirflow's FHIR resource ids. Name-based UUIDs (RFC 4122 version 5, SHA-1) in a
 * fhirflow namespace: the same name always gives the same resource id, so a replayed sample
 * overwrites rather than duplicates. Parts are joined with a separator (U+001F).
 *
 * <p>Every id derived from a sample names its owner, the user id (the raw topic's key): a record id
 * alone is not a secret (any gateway can replay a HealthKit UUID, and the importer builds ids from
 * content), so (platform, record id) alone would let user B's sample overwrite user A's
 * Observation. With the user in the name, no input of one person can produce another person's id.
 * Changing this scheme re-keys every stored resource: docs/operations.md says how a deployment
 * reprocesses.
 */
public final class ResourceIds {
  /**
   * Namespace of every fhirflow id; fixed forever, changing it would re-key every stored resource.
   */
  private static final UUID NAMESPACE = UUID.fromString("6f1e0a5c-3b7d-5a52-9c1e-0f4a1d2b8e77");

  private static final byte[] NAMESPACE_BYTES = bytes(NAMESPACE);
  private static final char SEPARATOR = '\u001f';
  private static final ThreadLocal<MessageDigest> SHA1 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-1");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JVM has SHA-1", e);
            }
          });

  private ResourceIds() {}

  /** The Patient of a gateway user: from the user id alone (the same person across platforms). */
  public static String patient(String userId) {
    return of("Patient", userId);
  }

  /**
   * An Observation of a user's record.
   *
   * @param part distinguishes several Observations of one record (series time, field, stage); null
   *     for the first
   */
  public static String observation(String userId, String platform, String recordId, String part) {
    return part == null
        ? of("Observation", userId, platform, recordId)
        : of("Observation", userId, platform, recordId, part);
  }

  /**
   * A summary Observation: one per patient, measure and period (docs/summaries.md).
   *
   * @param patientId the Patient's id ({@link #patient}), so no one else's summary can have it
   * @param period the period's label ({@code 2026-03-14}, or an hour's start instant)
   * @param generation 0, or how often the period was emptied by deletions and filled again
   */
  public static String summary(String patientId, String measure, String period, int generation) {
    return of(
        "Observation",
        "summary",
        patientId,
        measure,
        generation == 0 ? period : period + "#" + generation);
  }

  /**
   * The Device a user measured with; {@code deviceKey} names the model, so the user makes it that
   * person's Device.
   */
  public static String device(String userId, String deviceKey) {
    return of("Device", userId, deviceKey);
  }

  private static String of(String... parts) {
    StringBuilder name = new StringBuilder(64);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        name.append(SEPARATOR);
      }
      name.append(parts[i] == null ? "" : parts[i]);
    }
    MessageDigest sha1 = SHA1.get();
    sha1.reset();
    sha1.update(NAMESPACE_BYTES);
    byte[] hash = sha1.digest(name.toString().getBytes(StandardCharsets.UTF_8));
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (hash[i] & 0xff);
      lsb = (lsb << 8) | (hash[i + 8] & 0xff);
    }
    return new UUID(msb, lsb).toString();
  }

  private static byte[] bytes(UUID uuid) {
    byte[] out = new byte[16];
    long msb = uuid.getMostSignificantBits();
    long lsb = uuid.getLeastSignificantBits();
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (msb >>> (56 - 8 * i));
      out[i + 8] = (byte) (lsb >>> (56 - 8 * i));
    }
    return out;
  }
}
