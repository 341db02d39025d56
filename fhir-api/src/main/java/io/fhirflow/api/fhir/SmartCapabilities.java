package io.fhirflow.api.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * Completes HAPI's generated CapabilityStatement (which lists exactly the interactions and search
 * parameters the providers declare) with what annotations cannot say: SMART-on-FHIR bearer
 * security, read-only, and the product name.
 */
@Interceptor
public final class SmartCapabilities {

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void complete(IBaseConformance conformance) {
    CapabilityStatement cs = (CapabilityStatement) conformance;
    cs.getSoftware().setName("fhirflow FHIR API");
    cs.getImplementation()
        .setDescription(
            "fhirflow read side: wearable Observations, Patients and Devices (read-only)");
    for (CapabilityStatementRestComponent rest : cs.getRest()) {
      rest.getSecurity()
          .setCors(false)
          .setDescription(
              "Bearer JWT (RS256/ES256) with SMART v2 scopes such as patient/Observation.rs or system/*.rs;"
                  + " a patient claim confines every request to that patient.")
          .addService(
              new CodeableConcept(
                  new Coding(
                      "http://terminology.hl7.org/CodeSystem/restful-security-service",
                      "SMART-on-FHIR",
                      "SMART-on-FHIR")));
    }
  }
}
