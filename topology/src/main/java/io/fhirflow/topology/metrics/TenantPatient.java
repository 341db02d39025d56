package io.fhirflow.topology.metrics;

import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.contracts.Tenants;

/**
 * A patient of a tenant as the metrics branch names it in its state: {@link #key()} is the patient
 * id for the {@linkplain Tenants#DEFAULT default tenant} (the keys from before tenants, so a
 * running deployment's state stays valid) and {@code <tenant>:<patientId>} for any other. Every
 * entry of the metrics stores starts with {@link #storePrefix()}, so the tenant of an entry, which
 * its Redis keys need ({@link RedisKeyLayout}), is read back from the entry's key alone (when
 * values are offered again or the view is rewritten from state). Neither a tenant name nor a
 * patient id (a UUID) holds {@code :} or {@code |}.
 */
public record TenantPatient(String tenant, String patientId) {

  private static final char TENANT_END = ':';
  private static final char PATIENT_END = '|';

  public static TenantPatient of(String tenant, String patientId) {
    return new TenantPatient(tenant, patientId);
  }

  /** The form used as a record key into the metrics branch and in its erasures store. */
  public String key() {
    return Tenants.DEFAULT.equals(tenant) ? patientId : tenant + TENANT_END + patientId;
  }

  /** What every day-aggregate and latest-value entry of this patient starts with. */
  public String storePrefix() {
    return key() + PATIENT_END;
  }

  /** The patient of a {@link #key()}, or of a store key that starts with a {@link #storePrefix}. */
  public static TenantPatient ofKey(String key) {
    int end = key.indexOf(PATIENT_END);
    String patient = end < 0 ? key : key.substring(0, end);
    int tenantEnd = patient.indexOf(TENANT_END);
    return tenantEnd < 0
        ? new TenantPatient(Tenants.DEFAULT, patient)
        : new TenantPatient(patient.substring(0, tenantEnd), patient.substring(tenantEnd + 1));
  }

  /** The part every Redis key of this patient starts with. */
  public String redisBase(RedisKeyLayout keys) {
    return keys.patientBase(tenant, patientId);
  }
}
