package io.fhirflow.topology.deadletter;

/**
 * A record on its way to the dead-letter topic: the original bytes plus why it was rejected.
 *
 * @param rawKey the key exactly as consumed (may be null)
 * @param rawValue the value exactly as consumed (may be null)
 * @param reason a stable reason code (serde, catalogue or topology code), never values or ids
 * @param errorClass the exception or rejection type that decided it
 */
public record Rejected(
    byte[] rawKey, byte[] rawValue, DeadLetterStage stage, String reason, String errorClass) {}
