package io.fhirflow.contracts;

/** Headers on every record of the FHIR topics, so that consumers route without parsing the body. */
public final class FhirRecordHeaders {

  public static final String RESOURCE_TYPE = "fhir.resourceType";
  public static final String FHIR_VERSION = "fhir.version";
  /** The FHIR release every resource on the topics conforms to. */
  public static final String FHIR_VERSION_VALUE = "4.0.1";
  /** The platform record id of the sample an Observation was mapped from. */
  public static final String SOURCE_RECORD_ID = "fhirflow.sourceRecordId";

  private FhirRecordHeaders() {}
}
