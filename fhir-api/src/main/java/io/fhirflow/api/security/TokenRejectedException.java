package io.fhirflow.api.security;

/**
 * A bearer token that is missing or does not verify. {@link #reasonCode()} is a stable code safe to
 * log and to count; the message never contains the token.
 */
public final class TokenRejectedException extends Exception {

  /** Why a token was refused. */
  public enum Reason {
    MISSING,
    MALFORMED,
    BAD_SIGNATURE,
    EXPIRED,
    NOT_YET_VALID,
    WRONG_ISSUER,
    WRONG_AUDIENCE,
    MISSING_CLAIM,
    REJECTED
  }

  private final Reason reason;

  public TokenRejectedException(Reason reason) {
    super("bearer token rejected: " + reason);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public String reasonCode() {
    return reason.name();
  }
}
