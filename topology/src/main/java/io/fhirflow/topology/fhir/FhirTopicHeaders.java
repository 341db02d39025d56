package io.fhirflow.topology.fhir;

import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.mapping.FhirResource;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers the topology puts on the records it writes to the FHIR topics ({@link
 * FhirRecordHeaders} names them): one place builds them for the mapped resources, the summaries,
 * the deletion markers and the erasure's records, so every writer sends the same set.
 */
public final class FhirTopicHeaders {

  private static final byte[] FHIR_VERSION =
      FhirRecordHeaders.FHIR_VERSION_VALUE.getBytes(StandardCharsets.UTF_8);

  private FhirTopicHeaders() {}

  /** An upsert of {@code resource}, mapped from the platform record {@code sourceRecordId}. */
  public static Headers of(String tenant, FhirResource resource, byte[] sourceRecordId) {
    return of(tenant, resource.resourceType(), resource.id(), sourceRecordId);
  }

  /** An upsert or a deletion marker of the resource {@code resourceType/id}. */
  public static Headers of(String tenant, String resourceType, String id, byte[] sourceRecordId) {
    Headers h = common(tenant, resourceType);
    h.add(FhirRecordHeaders.SOURCE_RECORD_ID, sourceRecordId);
    h.add(FhirRecordHeaders.RESOURCE_ID, id.getBytes(StandardCharsets.UTF_8));
    return h;
  }

  /**
   * A record the erasure {@code requestId} writes: a tombstone of {@code resourceType/id}, or with
   * a null {@code id} the Observation topic's erasure marker or the erasure's AuditEvent.
   */
  public static Headers erasure(String tenant, String resourceType, String id, byte[] requestId) {
    Headers h = common(tenant, resourceType);
    if (id != null) {
      h.add(FhirRecordHeaders.RESOURCE_ID, id.getBytes(StandardCharsets.UTF_8));
    }
    h.add(FhirRecordHeaders.ERASURE_REQUEST_ID, requestId);
    return h;
  }

  private static Headers common(String tenant, String resourceType) {
    Headers h = new RecordHeaders();
    h.add(FhirRecordHeaders.TENANT, tenant.getBytes(StandardCharsets.UTF_8));
    h.add(FhirRecordHeaders.RESOURCE_TYPE, resourceType.getBytes(StandardCharsets.UTF_8));
    h.add(FhirRecordHeaders.FHIR_VERSION, FHIR_VERSION);
    return h;
  }
}
