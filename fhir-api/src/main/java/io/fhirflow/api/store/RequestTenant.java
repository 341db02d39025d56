package io.fhirflow.api.store;

import io.fhirflow.contracts.Tenants;

/**
 * The tenant the current request (or export job) reads as: set once its token is verified, cleared
 * when the request ends ({@code AuditFilter}). {@link TenantQuery} hands it to PostgreSQL with
 * every query of the stores, {@link TenantScopedDataSource} with every connection of an export or
 * view run; without one, a query reads as no tenant and row-level security shows it nothing.
 */
public final class RequestTenant {

  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private RequestTenant() {}

  public static void set(String tenant) {
    CURRENT.set(Tenants.requireValid(tenant));
  }

  public static void clear() {
    CURRENT.remove();
  }

  /** The tenant, or the empty string when none is set (matches no row's tenant). */
  public static String current() {
    String tenant = CURRENT.get();
    return tenant == null ? "" : tenant;
  }
}
