package io.fhirflow.mapping;

import io.fhirflow.contracts.Tenants;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

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
 *
 * <p>A person is a tenant and a user id (docs/tenants.md): each tenant names its ids in its own
 * namespace, itself the name-based UUID of the tenant in fhirflow's namespace, so the same user id
 * in two tenants is two patients, and no string a gateway sends can make one tenant's name equal to
 * another's. The {@linkplain Tenants#DEFAULT default tenant} uses fhirflow's namespace itself: its
 * ids are the ids of a deployment from before tenants.
 */
public final class ResourceIds {
  /**
   * Namespace of every fhirflow id; fixed forever, changing it would re-key every stored resource.
   */
  private static final UUID NAMESPACE = UUID.fromString("6f1e0a5c-3b7d-5a52-9c1e-0f4a1d2b8e77");

  private static final byte[] NAMESPACE_BYTES = bytes(NAMESPACE);
  private static final byte SEPARATOR = 0x1f;
  private static final ThreadLocal<NameHasher> HASHER = ThreadLocal.withInitial(NameHasher::new);

  /** Each tenant's namespace, computed once. */
  private static final ConcurrentMap<String, byte[]> TENANT_NAMESPACES = new ConcurrentHashMap<>();

  private ResourceIds() {}

  /** The default tenant's Patient of a gateway user ({@link #patient(String, String)}). */
  public static String patient(String userId) {
    return patient(Tenants.DEFAULT, userId);
  }

  /**
   * The Patient of a tenant's user: from the user id alone (the same person across platforms), in
   * the tenant's namespace.
   */
  public static String patient(String tenant, String userId) {
    return of(namespace(tenant), "Patient", userId);
  }

  /**
   * An Observation of a user's record.
   *
   * @param part distinguishes several Observations of one record (series time, field, stage); null
   *     for the first
   */
  public static String observation(String userId, String platform, String recordId, String part) {
    return observation(Tenants.DEFAULT, userId, platform, recordId, part);
  }

  /**
   * An Observation of a tenant's user's record ({@link #observation(String, String, String,
   * String)}).
   */
  public static String observation(
      String tenant, String userId, String platform, String recordId, String part) {
    NameHasher name =
        HASHER
            .get()
            .start(namespace(tenant))
            .part("Observation")
            .part(userId)
            .part(platform)
            .part(recordId);
    return part == null ? name.id() : name.part(part).id();
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
        NAMESPACE_BYTES,
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
    return device(Tenants.DEFAULT, userId, deviceKey);
  }

  /** The Device a tenant's user measured with ({@link #device(String, String)}). */
  public static String device(String tenant, String userId, String deviceKey) {
    return of(namespace(tenant), "Device", userId, deviceKey);
  }

  /**
   * The namespace of a tenant's ids: fhirflow's own for the default tenant, else the name-based
   * UUID of {@code "tenant" U+001F <name>} in it.
   */
  private static byte[] namespace(String tenant) {
    if (Tenants.DEFAULT.equals(tenant)) {
      return NAMESPACE_BYTES;
    }
    byte[] known = TENANT_NAMESPACES.get(tenant);
    if (known != null) {
      return known;
    }
    Tenants.requireValid(tenant);
    return TENANT_NAMESPACES.computeIfAbsent(
        tenant, t -> bytes(UUID.fromString(of(NAMESPACE_BYTES, "tenant", t))));
  }

  private static String of(byte[] namespace, String... parts) {
    NameHasher name = HASHER.get().start(namespace);
    for (int i = 0; i < parts.length; i++) {
      name.part(parts[i]);
    }
    return name.id();
  }

  private static String of(byte[] namespace, String a, String b) {
    return HASHER.get().start(namespace).part(a).part(b).id();
  }

  private static String of(byte[] namespace, String a, String b, String c) {
    return HASHER.get().start(namespace).part(a).part(b).part(c).id();
  }

  /**
   * The version-5 UUID of a namespace and a name, the name fed to SHA-1 as it is built: the UTF-8
   * of its parts joined by U+001F, the same bytes as {@code String.join(SEPARATOR,
   * parts).getBytes(UTF_8)} (a part is encoded alone, which gives the same bytes because a
   * separator always lies between two parts, so no surrogate pair can span them), without the
   * joined string, its copy as bytes, the varargs array or the hash array that building the name
   * first cost per id (several per sample, the owner-keyed ids being longer). One per thread.
   */
  private static final class NameHasher {
    private final MessageDigest sha1 = newSha1();
    private final byte[] buffer = new byte[128];
    private final byte[] hash = new byte[20];
    private int length;
    private boolean first;

    NameHasher start(byte[] namespace) {
      sha1.reset();
      sha1.update(namespace);
      length = 0;
      first = true;
      return this;
    }

    /** Appends a part (null as empty), after a separator unless it is the first. */
    NameHasher part(String text) {
      if (!first) {
        put(SEPARATOR);
      }
      first = false;
      if (text == null) {
        return this;
      }
      int n = text.length();
      for (int i = 0; i < n; i++) {
        char c = text.charAt(i);
        if (c >= 0x80) {
          // Rare (ids are ASCII in practice): the rest of the part through the JDK's encoder, so
          // malformed surrogates become '?' exactly as before.
          flush();
          sha1.update(text.substring(i).getBytes(StandardCharsets.UTF_8));
          return this;
        }
        put((byte) c);
      }
      return this;
    }

    private void put(byte b) {
      if (length == buffer.length) {
        flush();
      }
      buffer[length++] = b;
    }

    private void flush() {
      sha1.update(buffer, 0, length);
      length = 0;
    }

    String id() {
      flush();
      try {
        sha1.digest(hash, 0, hash.length);
      } catch (DigestException e) {
        throw new IllegalStateException("a 20-byte buffer holds a SHA-1", e);
      }
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

    private static MessageDigest newSha1() {
      try {
        return MessageDigest.getInstance("SHA-1");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-1", e);
      }
    }
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
