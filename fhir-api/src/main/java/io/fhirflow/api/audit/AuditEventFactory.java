package io.fhirflow.api.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import io.fhirflow.api.security.AccessToken;
import io.fhirflow.contracts.FhirSystems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;

/**
 * Turns an {@link AuditRecord} into FHIR R4 AuditEvent JSON (the "RESTful Operation" event type).
 * Who: token sub (issuer as identifier system) and client; which patient; interaction; names of the
 * query parameters; outcome from the HTTP status. One Patient entity per patient touched: the one
 * the request was about, and for a search not confined to one patient each patient whose data it
 * returned. Nothing from any stored resource is ever read here.
 */
public final class AuditEventFactory {

  static final String INTERACTION_SYSTEM = "http://hl7.org/fhir/restful-interaction";

  private static final JsonFactory JSON = new JsonFactory();

  private final IParser parser;

  public AuditEventFactory(FhirContext context) {
    this.parser = context.newJsonParser();
  }

  /**
   * The AuditEvent as JSON, written with Jackson's streaming generator: one per request, so
   * building HAPI's model and running its encoder (~15 % of a search's CPU) is too dear. The output
   * is the same text HAPI writes for {@link #toAuditEvent} (proven by AuditEventFactoryTest).
   */
  public String toJson(AuditRecord r) {
    SegmentedStringWriter out = new SegmentedStringWriter(JSON._getBufferRecycler());
    try {
      try (JsonGenerator g = JSON.createGenerator(out)) {
        write(g, r);
      }
      return out.getAndClear();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The event a down sink sends to learn whether it can write its trail again (KafkaAuditSink): an
   * "Application Activity" (DICOM 110100) of the API itself, no patient, no request. Rare (one
   * every few seconds during an outage), so HAPI's model and encoder write it.
   */
  public String auditTrailCheck(String id, Instant recorded) {
    AuditEvent e = new AuditEvent();
    e.setId(id);
    e.setType(
        new Coding(
            "http://dicom.nema.org/resources/ontology/DCM", "110100", "Application Activity"));
    e.setAction(AuditEventAction.E);
    e.setRecordedElement(new InstantType(Date.from(recorded)));
    e.setOutcome(AuditEventOutcome._0);
    e.setOutcomeDesc("audit trail write check while the audit sink is down");
    e.addAgent().setRequestor(false).setWho(new Reference().setDisplay("fhirflow-fhir-api"));
    source(e);
    return parser.encodeResourceToString(e);
  }

  /**
   * HAPI's own encoding of the same event: the reference the streaming writer is tested against.
   */
  public String toJsonWithHapi(AuditRecord r) {
    return parser.encodeResourceToString(toAuditEvent(r));
  }

  private static void write(JsonGenerator g, AuditRecord r) throws IOException {
    boolean fhirInteraction =
        !r.interaction().equals("metrics") && !r.interaction().equals("unknown");
    g.writeStartObject();
    g.writeStringField("resourceType", "AuditEvent");
    field(g, "id", r.requestId());
    if (r.token().isPresent()) {
      // The tenant whose data the request read (docs/tenants.md).
      g.writeObjectFieldStart("meta");
      g.writeArrayFieldStart("tag");
      coding(g, FhirSystems.TENANT, r.token().get().tenant(), null);
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeFieldName("type");
    coding(
        g, "http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation");
    g.writeArrayFieldStart("subtype");
    coding(
        g,
        fhirInteraction ? INTERACTION_SYSTEM : FhirSystems.API_INTERACTION,
        r.interaction(),
        null);
    g.writeEndArray();
    g.writeStringField(
        "action", r.interaction().equals("read") || r.interaction().equals("metrics") ? "R" : "E");
    // HAPI's own instant formatting (millisecond precision, default time zone), so the text
    // matches.
    g.writeStringField("recorded", new InstantType(Date.from(r.started())).getValueAsString());
    g.writeStringField("outcome", outcome(r.status()).toCode());
    g.writeStringField("outcomeDesc", "HTTP " + r.status());

    g.writeArrayFieldStart("agent");
    g.writeStartObject();
    if (r.token().isPresent()) {
      AccessToken t = r.token().get();
      if (notEmpty(t.issuer()) || notEmpty(t.subject())) {
        g.writeObjectFieldStart("who");
        g.writeObjectFieldStart("identifier");
        field(g, "system", t.issuer());
        field(g, "value", t.subject());
        g.writeEndObject();
        g.writeEndObject();
      }
      field(g, "altId", t.clientId());
    } else {
      g.writeObjectFieldStart("who");
      g.writeStringField("display", "anonymous");
      g.writeEndObject();
    }
    g.writeBooleanField("requestor", true);
    g.writeObjectFieldStart("network");
    field(g, "address", r.clientAddress());
    g.writeStringField("type", "2");
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndArray();

    g.writeObjectFieldStart("source");
    g.writeStringField("site", "fhirflow");
    g.writeObjectFieldStart("observer");
    g.writeStringField("display", "fhirflow-fhir-api");
    g.writeEndObject();
    g.writeArrayFieldStart("type");
    coding(g, "http://terminology.hl7.org/CodeSystem/security-source-type", "3", "Web Server");
    g.writeEndArray();
    g.writeEndObject();

    if (!r.patients().isEmpty() || r.resourceType().isPresent()) {
      g.writeArrayFieldStart("entity");
      for (String patient : r.patients()) {
        g.writeStartObject();
        g.writeObjectFieldStart("what");
        g.writeStringField("reference", "Patient/" + patient);
        g.writeEndObject();
        g.writeFieldName("type");
        coding(g, "http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person");
        g.writeFieldName("role");
        coding(g, "http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient");
        g.writeEndObject();
      }
      if (r.resourceType().isPresent()) {
        g.writeStartObject();
        g.writeObjectFieldStart("what");
        if (r.resourceId().isPresent()) {
          g.writeStringField("reference", r.resourceType().get() + "/" + r.resourceId().get());
        } else {
          g.writeStringField("display", r.resourceType().get());
        }
        g.writeEndObject();
        g.writeFieldName("type");
        coding(g, "http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object");
        g.writeFieldName("role");
        if (r.resourceId().isPresent()) {
          coding(g, "http://terminology.hl7.org/CodeSystem/object-role", "4", "Domain Resource");
        } else {
          coding(g, "http://terminology.hl7.org/CodeSystem/object-role", "24", "Query");
        }
        if (!r.parameterNames().isEmpty()) {
          g.writeArrayFieldStart("detail");
          g.writeStartObject();
          g.writeStringField("type", "query-parameter-names");
          g.writeStringField("valueString", String.join(",", r.parameterNames()));
          g.writeEndObject();
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void coding(JsonGenerator g, String system, String code, String display)
      throws IOException {
    g.writeStartObject();
    field(g, "system", system);
    field(g, "code", code);
    field(g, "display", display);
    g.writeEndObject();
  }

  /**
   * Writes a string field unless it is null or empty: HAPI leaves empty primitives out, and so must
   * we.
   */
  private static void field(JsonGenerator g, String name, String value) throws IOException {
    if (notEmpty(value)) {
      g.writeStringField(name, value);
    }
  }

  private static boolean notEmpty(String s) {
    return s != null && !s.isEmpty();
  }

  public AuditEvent toAuditEvent(AuditRecord r) {
    AuditEvent e = new AuditEvent();
    e.setId(r.requestId());
    r.token().ifPresent(t -> e.getMeta().addTag(FhirSystems.TENANT, t.tenant(), null));
    e.setType(
        new Coding(
            "http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
    boolean fhirInteraction =
        !r.interaction().equals("metrics") && !r.interaction().equals("unknown");
    e.addSubtype(
        new Coding(
            fhirInteraction ? INTERACTION_SYSTEM : FhirSystems.API_INTERACTION,
            r.interaction(),
            null));
    e.setAction(
        r.interaction().equals("read") || r.interaction().equals("metrics")
            ? AuditEventAction.R
            : AuditEventAction.E);
    e.setRecorded(Date.from(r.started()));
    e.setOutcome(outcome(r.status()));
    e.setOutcomeDesc("HTTP " + r.status());

    AuditEventAgentComponent agent = e.addAgent().setRequestor(true);
    r.token().ifPresentOrElse(t -> who(agent, t), () -> agent.getWho().setDisplay("anonymous"));
    agent.getNetwork().setAddress(r.clientAddress()).setType(AuditEventAgentNetworkType._2);

    source(e);

    r.patients()
        .forEach(
            p ->
                e.addEntity()
                    .setWhat(new Reference("Patient/" + p))
                    .setType(
                        new Coding(
                            "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                            "1",
                            "Person"))
                    .setRole(
                        new Coding(
                            "http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient")));
    if (r.resourceType().isPresent()) {
      AuditEventEntityComponent target =
          e.addEntity()
              .setType(
                  new Coding(
                      "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                      "2",
                      "System Object"));
      if (r.resourceId().isPresent()) {
        target
            .setWhat(new Reference(r.resourceType().get() + "/" + r.resourceId().get()))
            .setRole(
                new Coding(
                    "http://terminology.hl7.org/CodeSystem/object-role", "4", "Domain Resource"));
      } else {
        target
            .setWhat(new Reference().setDisplay(r.resourceType().get()))
            .setRole(
                new Coding("http://terminology.hl7.org/CodeSystem/object-role", "24", "Query"));
      }
      if (!r.parameterNames().isEmpty()) {
        target
            .addDetail()
            .setType("query-parameter-names")
            .setValue(new org.hl7.fhir.r4.model.StringType(String.join(",", r.parameterNames())));
      }
    }
    return e;
  }

  private static void who(AuditEventAgentComponent agent, AccessToken t) {
    agent.setWho(
        new Reference()
            .setIdentifier(new Identifier().setSystem(t.issuer()).setValue(t.subject())));
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

  /** This API as the event's observer, as the streaming writer writes it. */
  private static void source(AuditEvent e) {
    e.getSource().setSite("fhirflow").getObserver().setDisplay("fhirflow-fhir-api");
    e.getSource()
        .addType(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/security-source-type", "3", "Web Server"));
  }
}
