package io.fhirflow.sink;

/**
 * What an erasure removes (docs/contracts.md "Erasure"): for {@link ResourceType#OBSERVATION} every
 * Observation row of the patient {@code id} and their ids in the deletion register (the erasure
 * marker on the Observation topic); for Patient and Device the row {@code id} (a tombstone on their
 * compacted topics). Unlike a deletion it is not final: a record after it in the same partition is
 * new data and is written.
 */
public record Removal(ResourceType type, String id) {}
