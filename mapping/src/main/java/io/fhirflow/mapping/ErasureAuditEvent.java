package io.fhirflow.mapping;

import ca.uhn.fhir.context.FhirContext;
import io.fhirflow.contracts.FhirSystems;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * The FHIR R4 AuditEvent of a person's erasure, for the audit topic the API writes its request
 * events to (same key: the event id; same headers). Who asked and when, which Patient, and what was
 * removed as counts per kind ({@code entity.detail}: type = kind, value = count). Never a value, a
 * record id or the user id: the Patient reference is fhirflow's derived id.
 *
 * <p>Built with HAPI's model and encoder: an erasure is rare, so the encoder's cost does not
 * matter.
 */
public final class ErasureAuditEvent {

  private static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
  private static final String ENTITY_TYPE =
      "http://terminology.hl7.org/CodeSystem/audit-entity-type";
  private static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
  private static final String SOURCE_TYPE =
      "http://terminology.hl7.org/CodeSystem/security-source-type";
  private static final FhirContext CONTEXT = FhirContext.forR4Cached();

  private ErasureAuditEvent() {}

  /**
   * @param tenant the person's tenant, the event's meta.tag ({@code FhirSystems.TENANT})
   * @param requestId the erasure request's id, also the event's id
   * @param requestedBy who asked, as the request names them
   * @param requestedAt when they asked
   * @param recorded when the erasure was carried out
   * @param observer the process that carried it out (e.g. {@code fhirflow-topology})
   * @param removed what was removed, kind → count, in the order given
   */
  public static String json(
      String tenant,
      String requestId,
      String patientId,
      String requestedBy,
      Instant requestedAt,
      Instant recorded,
      String observer,
      Map<String, Long> removed) {
    AuditEvent e = new AuditEvent();
    e.setId(requestId);
    e.getMeta().addTag(FhirSystems.TENANT, tenant, null);
    // DICOM "Patient Record" event, action Delete: the same type a FHIR server's $erase would use.
    e.setType(new Coding(DCM, "110110", "Patient Record"));
    e.addSubtype(new Coding(FhirSystems.AUDIT_SUBTYPE, "erase", "Erasure of a person"));
    e.setAction(AuditEventAction.D);
    // From the request to its execution; without an end when the clocks say it was not later
    // (per-1).
    Period period = new Period().setStart(Date.from(requestedAt));
    if (recorded.isAfter(requestedAt)) {
      period.setEnd(Date.from(recorded));
    }
    e.setPeriod(period);
    e.setRecorded(Date.from(recorded));
    e.setOutcome(AuditEventOutcome._0);
    e.addAgent().setRequestor(true).setWho(new Reference().setDisplay(requestedBy));
    e.addAgent().setRequestor(false).setWho(new Reference().setDisplay(observer));
    e.getSource().setSite("fhirflow").getObserver().setDisplay(observer);
    e.getSource().addType(new Coding(SOURCE_TYPE, "4", "Application Server"));
    e.addEntity()
        .setWhat(new Reference("Patient/" + patientId))
        .setType(new Coding(ENTITY_TYPE, "1", "Person"))
        .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
    AuditEvent.AuditEventEntityComponent request =
        e.addEntity()
            .setWhat(
                new Reference()
                    .setIdentifier(
                        new Identifier()
                            .setSystem(FhirSystems.SID_ERASURE_REQUEST)
                            .setValue(requestId)))
            .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
            .setRole(new Coding(OBJECT_ROLE, "20", "Job"));
    removed.forEach(
        (kind, count) ->
            request.addDetail().setType(kind).setValue(new StringType(Long.toString(count))));
    return CONTEXT.newJsonParser().encodeResourceToString(e);
  }
}
