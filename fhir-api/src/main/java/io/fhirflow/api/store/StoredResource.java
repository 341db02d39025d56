package io.fhirflow.api.store;

import static io.fhirflow.store.StoreColumns.EFFECTIVE_START;
import static io.fhirflow.store.StoreColumns.ID;
import static io.fhirflow.store.StoreColumns.LAST_UPDATED;
import static io.fhirflow.store.StoreColumns.RESOURCE;
import static io.fhirflow.store.StoreColumns.VERSION_ID;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

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

  /** What a read of {@code fhir_observation} selects, in the order {@link #readAll} reads it. */
  public static final String OBSERVATION_COLUMNS =
      ID
          + ", "
          + VERSION_ID
          + ", "
          + LAST_UPDATED
          + ", "
          + EFFECTIVE_START
          + ", "
          + RESOURCE
          + "::text";

  /**
   * What a read of {@code fhir_patient} or {@code fhir_device} selects (they have no effective
   * start), in the order {@link #readAll} reads it.
   */
  public static final String IDENTIFIED_COLUMNS =
      ID + ", " + VERSION_ID + ", " + LAST_UPDATED + ", " + RESOURCE + "::text";

  /**
   * Every remaining row of {@code rows}, selected as {@link #OBSERVATION_COLUMNS} ({@code
   * withEffectiveStart}) or {@link #IDENTIFIED_COLUMNS}.
   */
  public static List<StoredResource> readAll(ResultSet rows, boolean withEffectiveStart)
      throws SQLException {
    int json = withEffectiveStart ? 5 : 4;
    List<StoredResource> read = new ArrayList<>();
    while (rows.next()) {
      read.add(
          new StoredResource(
              rows.getString(1),
              rows.getLong(2),
              rows.getObject(3, OffsetDateTime.class).toInstant(),
              withEffectiveStart ? rows.getObject(4, OffsetDateTime.class) : null,
              rows.getBytes(json)));
    }
    return read;
  }

  /** The JSON as text, for the paths that parse it (reads, XML, _elements). */
  public String json() {
    return new String(jsonUtf8, StandardCharsets.UTF_8);
  }
}
