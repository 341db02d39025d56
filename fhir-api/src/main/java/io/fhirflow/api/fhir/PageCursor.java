package io.fhirflow.api.fhir;

import io.fhirflow.api.store.PageKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The opaque {@code _cursor} of a next-page link: the keyset position plus an HMAC-SHA256 over that
 * position, the search's other parameters and the patient the token is confined to. The server
 * recomputes the MAC from the request in hand, so a link whose parameters were edited, or that is
 * replayed under another patient's token, is refused; confinement itself is enforced by the query
 * regardless. JDK HMAC is enough here: no claims, no expiry, one key.
 */
public final class PageCursor {

  /** The cursor does not belong to this query or token, or is not ours. */
  public static final class InvalidCursorException extends RuntimeException {
    InvalidCursorException() {
      super("invalid page cursor");
    }
  }

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final byte[] secret;
  // Mac.getInstance + init (provider lookup, key setup) cost more than the MAC itself; a Mac is not
  // thread-safe, so each request thread keeps its own, already keyed.
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  public PageCursor(byte[] secret) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("page cursor secret must be at least 16 bytes");
    }
    this.secret = secret.clone();
  }

  /** A key from configuration, or a random one per process when blank. */
  public static PageCursor fromConfig(String secret) {
    if (secret.isBlank()) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      return new PageCursor(random);
    }
    return new PageCursor(secret.getBytes(StandardCharsets.UTF_8));
  }

  public String encode(PageKey key, String queryFingerprint, Optional<String> confinedTo) {
    String position =
        (key.effectiveStart() == null ? "-" : Long.toString(micros(key.effectiveStart())))
            + "~"
            + key.id();
    byte[] mac = mac(position, queryFingerprint, confinedTo);
    return B64.encodeToString(position.getBytes(StandardCharsets.UTF_8))
        + "."
        + B64.encodeToString(mac);
  }

  /** The position in {@code cursor}, if it was issued for this very query and confinement. */
  public PageKey decode(String cursor, String queryFingerprint, Optional<String> confinedTo) {
    try {
      int dot = cursor.indexOf('.');
      String position = new String(B64D.decode(cursor.substring(0, dot)), StandardCharsets.UTF_8);
      byte[] given = B64D.decode(cursor.substring(dot + 1));
      if (!MessageDigest.isEqual(given, mac(position, queryFingerprint, confinedTo))) {
        throw new InvalidCursorException();
      }
      int sep = position.indexOf('~');
      String start = position.substring(0, sep);
      OffsetDateTime effectiveStart =
          start.equals("-")
              ? null
              : Instant.EPOCH
                  .plus(Long.parseLong(start), ChronoUnit.MICROS)
                  .atOffset(ZoneOffset.UTC);
      return new PageKey(effectiveStart, position.substring(sep + 1));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new InvalidCursorException();
    }
  }

  private static long micros(OffsetDateTime t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t.toInstant());
  }

  private byte[] mac(String position, String fingerprint, Optional<String> confinedTo) {
    // Unit separators keep the three fields from running into each other.
    String input = position + '\u001f' + fingerprint + '\u001f' + confinedTo.orElse("");
    return macs.get().doFinal(input.getBytes(StandardCharsets.UTF_8));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
