package io.fhirflow.mapping;

import io.fhirflow.contracts.FhirSystems;
import org.hl7.fhir.r4.model.Patient;

/**
 * The Patient of a gateway user: id from the user id alone (the same person across platforms), the
 * user id as identifier. Nothing else: the gateway knows no demographics.
 */
final class PatientFactory {
  private PatientFactory() {}

  static String id(String userId) {
    return ResourceIds.patient(userId);
  }

  static FhirResource resource(String userId) {
    Patient patient = new Patient();
    String id = id(userId);
    patient.setId(id);
    patient.addIdentifier().setSystem(FhirSystems.SID_USER).setValue(userId);
    return new FhirResource("Patient", id, FhirJsonEncoder.patient(patient));
  }
}
