package io.fhirflow.mapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Name-based UUIDs (RFC 4122 version 5, SHA-1) in a fhirflow namespace: the same name always gives the same
 * resource id, so a replayed sample overwrites rather than duplicates. Parts are joined with a separator
 * that cannot occur in them (U+001F).
 */
final class DeterministicIds {
    /** Namespace of every fhirflow id; fixed forever, changing it would re-key every stored resource. */
    private static final UUID NAMESPACE = UUID.fromString("6f1e0a5c-3b7d-5a52-9c1e-0f4a1d2b8e77");
    private static final byte[] NAMESPACE_BYTES = bytes(NAMESPACE);
    private static final char SEPARATOR = '\u001f';
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    });

    private DeterministicIds() {
    }

    static String of(String... parts) {
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
