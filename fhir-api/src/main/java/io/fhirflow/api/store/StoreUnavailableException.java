package io.fhirflow.api.store;

/**
 * The database could not answer. Carries no SQL text and no driver message (either may hold
 * values); only the SQLSTATE, which is safe to log.
 */
public final class StoreUnavailableException extends RuntimeException {

  private final String sqlState;

  public StoreUnavailableException(String sqlState) {
    super("store unavailable sqlstate=" + sqlState);
    this.sqlState = sqlState;
  }

  public String sqlState() {
    return sqlState;
  }
}
