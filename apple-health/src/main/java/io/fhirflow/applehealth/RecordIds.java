package io.fhirflow.applehealth;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Record ids for exported samples. {@code export.xml} has no HealthKit UUIDs, so the id is a
 * name-based UUID of what identifies a sample: type, source, start, end, value and unit. The same
 * file (or a later export of the same data, whatever offset the phone wrote) gives the same ids, so
 * re-importing dedupes downstream. The source version is left out on purpose: apps change it
 * mid-stream. A sample with {@code HKMetadataKeySyncIdentifier} takes its id from that instead, so
 * every version of it shares one id and the newer version wins.
 *
 * <p>Both name the user first: two people's exports hold identical content (the same step bucket
 * from the same app at the same time), and a content id that someone else can compute must never
 * address another person's record.
 */
final class RecordIds {

  private static final char SEP = '\u001f';

  private RecordIds() {}

  static String forSample(
      String userId,
      String type,
      String source,
      Instant start,
      Instant end,
      String value,
      String unit) {
    return uuid(
        "apple-health-export",
        userId,
        type,
        source,
        Long.toString(start.toEpochMilli()),
        Long.toString(end.toEpochMilli()),
        value,
        unit);
  }

  static String forSyncIdentifier(
      String userId, String type, String source, String syncIdentifier) {
    return uuid("healthkit-sync-identifier", userId, type, source, syncIdentifier);
  }

  private static String uuid(String... parts) {
    StringBuilder name = new StringBuilder();
    for (String part : parts) {
      name.append(part == null ? "" : part).append(SEP);
    }
    // Version 3 (MD5) is what the JDK offers for name-based UUIDs; it is an identity, not a secret.
    return UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8)).toString();
  }
}
