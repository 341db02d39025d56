package io.fhirflow.api.bulk;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One accepted kick-off: what to export. {@code patient} is set for {@link ExportLevel#ONE_PATIENT}
 * and whenever the token is confined to a patient (the confinement wins over the level asked for).
 * {@code requestUrl} is the kick-off URL the manifest echoes back.
 */
public record ExportRequest(
    ExportLevel level,
    Optional<String> patient,
    List<String> types,
    Optional<Instant> since,
    Optional<Instant> until,
    String requestUrl) {}
