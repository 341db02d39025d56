package io.fhirflow.mapping;

/**
 * What {@link FhirMapper#map} made of one raw sample: either FHIR resources ({@link Mapped}) or a
 * typed {@link Rejection} that the caller sends to the dead-letter topic. Never null, never thrown.
 */
public sealed interface MappingOutcome permits Mapped, Rejection {}
