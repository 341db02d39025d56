package io.fhirflow.api.store;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * One row as the sink stored it: the resource's JSON text exactly as PostgreSQL returns it, and the
 * columns needed for HTTP headers and paging. {@code effectiveStart} is null for Patient and Device.
 */
public record StoredResource(String id, long versionId, Instant lastUpdated, OffsetDateTime effectiveStart, String json) {}
