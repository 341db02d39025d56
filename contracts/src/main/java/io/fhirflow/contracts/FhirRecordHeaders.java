package io.fhirflow.contracts;

/**
 * Headers on every record of the FHIR topics, so that consumers route without parsing the body.
 *
 * <p><b>Deletion marker.</b> A record of {@code fhir.r4.observation} whose value is null (a Kafka
 * tombstone) says that the Observation named by {@link #RESOURCE_ID} no longer exists: the phone
 * deleted the sample it was derived from. Its key is the patient id, like every record of the
 * topic, so it follows the Observation's earlier versions in the same partition; it carries {@link
 * #RESOURCE_TYPE}, {@link #FHIR_VERSION}, {@link #SOURCE_RECORD_ID} and {@link #RESOURCE_ID}. A
 * consumer that stores the resource removes it; one that cannot handle it must not take a null
 * value for an error.
 *
 * <p><b>Erasure.</b> When a person is erased (docs/contracts.md "Erasure") the topology writes,
 * with {@link #ERASURE_REQUEST_ID}: a null-value record on {@code fhir.r4.patient} keyed by the
 * Patient id and one on {@code fhir.r4.device} per Device id of the person (Kafka tombstones:
 * compaction then removes every earlier record of the key), and one <em>erasure marker</em> on
 * {@code fhir.r4.observation}: a null value keyed by the patient id with {@link #RESOURCE_TYPE}
 * {@code Observation} and <em>no</em> {@link #RESOURCE_ID} (which tells it from a deletion marker),
 * saying "every Observation of this patient before this record is gone". It follows all of the
 * patient's earlier Observations in their partition; a later Observation of the same patient is new
 * data.
 */
public final class FhirRecordHeaders {

  public static final String RESOURCE_TYPE = "fhir.resourceType";
  public static final String FHIR_VERSION = "fhir.version";

  /** The FHIR release every resource on the topics conforms to. */
  public static final String FHIR_VERSION_VALUE = "4.0.1";

  /** The platform record id of the sample an Observation was mapped from. */
  public static final String SOURCE_RECORD_ID = "fhirflow.sourceRecordId";

  /**
   * The logical id of the resource the record is about (without the type prefix), on every record:
   * on a deletion it is the only place the id is, since the value is null and the key is the
   * patient.
   */
  public static final String RESOURCE_ID = "fhir.resourceId";

  /**
   * The tenant the record belongs to ({@link Tenants}), on every record of the FHIR topics, on the
   * AuditEvents of erasures and on the topology's dead letters (where it replaces any header of
   * that name the gateway sent): the sink stores the record under it.
   */
  public static final String TENANT = "fhirflow.tenant";

  /** On the records an erasure writes: the erasure request's id (the key of its AuditEvent). */
  public static final String ERASURE_REQUEST_ID = "fhirflow.erasureRequestId";

  private FhirRecordHeaders() {}
}
