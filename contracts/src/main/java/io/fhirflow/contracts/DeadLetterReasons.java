package io.fhirflow.contracts;

/**
 * Dead-letter reasons ({@link DeadLetterHeaders#REASON}) that more than one process must agree on
 * (the topology writes them, operators' tooling and docs/contracts.md read them).
 */
public final class DeadLetterReasons {

  /**
   * A sample whose FHIR output (an Observation, its Patient or Device, with key and headers) would
   * be larger than the topology's producer can send ({@code max.request.size} less headroom): it is
   * rejected instead of failing every transaction that tried to write it.
   */
  public static final String OUTPUT_TOO_LARGE = "OUTPUT_TOO_LARGE";

  private DeadLetterReasons() {}
}
