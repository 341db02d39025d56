package io.fhirflow.api.support;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.IQuery;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;

/** Searches the read tests start from, to narrow further or execute. */
public final class FhirSearches {

  private FhirSearches() {}

  /** {@code GET Observation?patient=<patientId>}, answered as a Bundle. */
  public static IQuery<Bundle> observationsOf(IGenericClient client, String patientId) {
    return client
        .search()
        .forResource(Observation.class)
        .where(Observation.PATIENT.hasId(patientId))
        .returnBundle(Bundle.class);
  }
}
