package io.fhirflow.api.security;

import java.time.Instant;
import java.util.Optional;

/**
 * A verified bearer token: who asks ({@code sub}, client), what they may do (scopes), the tenant
 * whose data it reads ({@code tenant} claim; the default tenant when absent, docs/tenants.md) and,
 * when the token carries a {@code patient} claim, the one patient (of that tenant) every request is
 * confined to.
 */
public record AccessToken(
    String issuer,
    String subject,
    String clientId,
    Optional<String> patient,
    SmartScopes scopes,
    Instant expiresAt,
    String tenant) {

  /** The patient a request must stay inside, or empty for system/user tokens without one. */
  public Optional<String> confinedTo() {
    return patient;
  }

  public boolean allows(String resourceType, char permission) {
    return scopes.allows(resourceType, permission, patient.isPresent());
  }

  /**
   * Whether a Bulk Data export may hold {@code resourceType}. A token confined to a patient exports
   * that patient's compartment with the scopes that let it read them; any other export reads many
   * patients at once, which the Bulk Data IG leaves to SMART Backend Services clients: only a
   * {@code system/} scope with {@code r} grants it (a {@code user/} scope is a person's access, not
   * a warehouse feed).
   */
  public boolean allowsExport(String resourceType) {
    return patient.isPresent() ? allows(resourceType, 'r') : scopes.allowsSystem(resourceType, 'r');
  }
}
