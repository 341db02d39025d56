package io.fhirflow.api.store;

import java.time.OffsetDateTime;

/**
 * Where the previous page ended in (effective_start, id) order; effective_start may be null because
 * the column is nullable (nulls sort first when newest-first, last when oldest-first, as the index
 * does).
 */
public record PageKey(OffsetDateTime effectiveStart, String id) {}
