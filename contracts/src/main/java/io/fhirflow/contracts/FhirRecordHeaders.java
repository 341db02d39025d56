package io.fhirflow.contracts;

/**
 * Headers on every record of the FHIR topics, so that consumers route without parsing the body.
 *
 * <p><b>Deletion marker.</b> A record of {@code fhir.r4.observation} whose value is null (a Kafka
 * tombstone) says that the Observation named by {@link #RESOURCE_ID} no longer exists: the phone
 * deleted the sample it was derived from. Its key is the patient id, like every record of the topic,
 * so it follows the Observation's earlier versions in the same partition; it carries
 * {@link #RESOURCE_TYPE}, {@link #FHIR_VERSION}, {@link #SOURCE_RECORD_ID} and {@link #RESOURCE_ID}.
 * A consumer that stores the resource removes it; one that cannot handle it must not take a null
 * value for an error.
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
   * on a deletion it is the only place the id is, since the value is null and the key is the patient.
   */
  public static final String RESOURCE_ID = "fhir.resourceId";

  private FhirRecordHeaders() {}
}
