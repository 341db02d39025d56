package io.fhirflow.api.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.fhirflow.api.security.AccessToken;
import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * Turns an {@link AuditRecord} into FHIR R4 AuditEvent JSON (the "RESTful Operation" event type).
 * Who: token sub (issuer as identifier system) and client; which patient; interaction; names of the
 * query parameters; outcome from the HTTP status. Nothing from any stored resource is ever read here.
 */
public final class AuditEventFactory {

  static final String INTERACTION_SYSTEM = "http://hl7.org/fhir/restful-interaction";
  static final String FHIRFLOW_INTERACTION_SYSTEM = "https://fhirflow.io/fhir/CodeSystem/api-interaction";

  private final IParser parser;

  public AuditEventFactory(FhirContext context) {
    this.parser = context.newJsonParser();
  }

  public String toJson(AuditRecord r) {
    return parser.encodeResourceToString(toAuditEvent(r));
  }

  public AuditEvent toAuditEvent(AuditRecord r) {
    AuditEvent e = new AuditEvent();
    e.setId(r.requestId());
    e.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
    boolean fhirInteraction = !r.interaction().equals("metrics") && !r.interaction().equals("unknown");
    e.addSubtype(new Coding(fhirInteraction ? INTERACTION_SYSTEM : FHIRFLOW_INTERACTION_SYSTEM, r.interaction(), null));
    e.setAction(r.interaction().equals("read") || r.interaction().equals("metrics") ? AuditEventAction.R : AuditEventAction.E);
    e.setRecorded(Date.from(r.started()));
    e.setOutcome(outcome(r.status()));
    e.setOutcomeDesc("HTTP " + r.status());

    AuditEventAgentComponent agent = e.addAgent().setRequestor(true);
    r.token().ifPresentOrElse(t -> who(agent, t), () -> agent.getWho().setDisplay("anonymous"));
    agent.getNetwork().setAddress(r.clientAddress()).setType(AuditEventAgentNetworkType._2);

    e.getSource().setSite("fhirflow").getObserver().setDisplay("fhirflow-fhir-api");
    e.getSource().addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "3", "Web Server"));

    r.patient().ifPresent(p -> e.addEntity()
        .setWhat(new Reference("Patient/" + p))
        .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
        .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient")));
    if (r.resourceType().isPresent()) {
      AuditEventEntityComponent target = e.addEntity()
          .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"));
      if (r.resourceId().isPresent()) {
        target.setWhat(new Reference(r.resourceType().get() + "/" + r.resourceId().get()))
            .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "4", "Domain Resource"));
      } else {
        target.setWhat(new Reference().setDisplay(r.resourceType().get()))
            .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "24", "Query"));
      }
      if (!r.parameterNames().isEmpty()) {
        target.addDetail().setType("query-parameter-names").setValue(new org.hl7.fhir.r4.model.StringType(String.join(",", r.parameterNames())));
      }
    }
    return e;
  }

  private static void who(AuditEventAgentComponent agent, AccessToken t) {
    agent.setWho(new Reference().setIdentifier(new Identifier().setSystem(t.issuer()).setValue(t.subject())));
    if (!t.clientId().isEmpty()) {
      agent.setAltId(t.clientId());
    }
  }

  private static AuditEventOutcome outcome(int status) {
    if (status >= 500) {
      return AuditEventOutcome._8;
    }
    return status >= 400 ? AuditEventOutcome._4 : AuditEventOutcome._0;
  }
}
