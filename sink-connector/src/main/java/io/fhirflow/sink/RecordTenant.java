package io.fhirflow.sink;

import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.contracts.Tenants;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The tenant a FHIR record belongs to: its {@code fhirflow.tenant} header, which the topology sets
 * from the raw topic it read (docs/tenants.md); the default tenant for a record written before
 * tenants, which has none.
 */
final class RecordTenant {

  private RecordTenant() {}

  /**
   * @throws UnwritableRecordException INVALID_TENANT when the header is not a tenant name
   */
  static String of(SinkRecord record) {
    String tenant = DeletionMarker.header(record, FhirRecordHeaders.TENANT);
    if (tenant == null || tenant.equals(Tenants.DEFAULT)) {
      return Tenants.DEFAULT;
    }
    if (!Tenants.isValid(tenant)) {
      throw new UnwritableRecordException(RejectReason.INVALID_TENANT);
    }
    return tenant;
  }
}
