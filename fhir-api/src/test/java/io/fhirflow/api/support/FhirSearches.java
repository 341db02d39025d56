package io.fhirflow.api.support;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.IQuery;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/** Searches the read tests start from, to narrow further or execute, and the $lastn they run. */
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

  /**
   * {@code GET Observation/$lastn?patient=Patient/<patientId>}: the newest Observation of each
   * code.
   */
  public static Bundle lastnOf(IGenericClient client, String patientId) {
    Parameters in = new Parameters();
    in.addParameter().setName("patient").setValue(new StringType("Patient/" + patientId));
    return client
        .operation()
        .onType(Observation.class)
        .named("$lastn")
        .withParameters(in)
        .returnResourceType(Bundle.class)
        .useHttpGet()
        .execute();
  }
}
