package io.fhirflow.api.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * One row as the sink stored it: the resource's JSON as the UTF-8 bytes PostgreSQL sent (kept as
 * bytes so a streamed page is copied to the response without decoding and re-encoding ~1 KB per
 * row), and the columns needed for HTTP headers and paging. {@code effectiveStart} is null for
 * Patient and Device.
 */
public record StoredResource(
    String id,
    long versionId,
    Instant lastUpdated,
    OffsetDateTime effectiveStart,
    byte[] jsonUtf8) {

  /** The JSON as text, for the paths that parse it (reads, XML, _elements). */
  public String json() {
    return new String(jsonUtf8, StandardCharsets.UTF_8);
  }
}
