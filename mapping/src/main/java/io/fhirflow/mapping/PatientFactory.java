package io.fhirflow.mapping;

import io.fhirflow.contracts.FhirSystems;
import org.hl7.fhir.r4.model.Patient;

/**
 * The Patient of a tenant's gateway user: id from the tenant and user id alone (the same person
 * across platforms), the user id as identifier, the tenant as meta.tag. Nothing else: the gateway
 * knows no demographics.
 */
final class PatientFactory {
  private PatientFactory() {}

  static FhirResource resource(String tenant, String userId) {
    Patient patient = new Patient();
    String id = ResourceIds.patient(tenant, userId);
    patient.setId(id);
    patient.getMeta().addTag(FhirSystems.TENANT, tenant, null);
    patient.addIdentifier().setSystem(FhirSystems.SID_USER).setValue(userId);
    return new FhirResource("Patient", id, FhirJsonEncoder.patient(patient));
  }
}
