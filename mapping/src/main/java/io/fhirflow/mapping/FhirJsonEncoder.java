package io.fhirflow.mapping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import io.fhirflow.contracts.FhirSystems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.UriType;

/**
 * Writes the Observation, Patient and Device resources the mapper builds as compact FHIR JSON, byte
 * for byte what HAPI's {@code JsonParser.encodeResourceToString} writes for them (same element
 * order, same Jackson escaping, decimals as BigDecimal text). Hand-written for speed: HAPI's parser
 * walks its reflective model and costs ~25 µs per Observation, this ~1-2 µs. Observations are
 * written from {@link ObservationDraft}s, without HAPI model objects (issue 19 item 1); Patient and
 * Device, encoded once per key and cached by the mapper, still from HAPI's model. It covers exactly
 * the elements the mapper sets; CatalogueCoverageTest proves equality with HAPI across the whole
 * catalogue and ModelFreeEncodingTest with the pre-change HAPI-model path.
 */
final class FhirJsonEncoder {
  private static final JsonFactory JSON = new JsonFactory();

  private FhirJsonEncoder() {}

  /**
   * One Observation of a sample, from its draft and what the sample's Observations share, in the
   * element order HAPI writes.
   */
  static String observation(SampleContext sample, ObservationDraft observation) {
    return write(
        json -> {
          json.writeStringField("resourceType", "Observation");
          json.writeStringField("id", observation.id);
          json.writeObjectFieldStart("meta");
          json.writeStringField("versionId", sample.versionId());
          json.writeStringField("lastUpdated", sample.lastUpdated());
          json.writeStringField("source", sample.source());
          if (has(observation.profile)) {
            json.writeArrayFieldStart("profile");
            json.writeString(observation.profile);
            json.writeEndArray();
          }
          json.writeArrayFieldStart("tag");
          coding(json, FhirSystems.TENANT, sample.tenant, null);
          json.writeEndArray();
          json.writeEndObject();
          if (!observation.extensions.isEmpty()) {
            json.writeArrayFieldStart("extension");
            for (ObservationDraft.Extension extension : observation.extensions) {
              json.writeStartObject();
              json.writeStringField("url", extension.url());
              value(json, "value", extension.value());
              json.writeEndObject();
            }
            json.writeEndArray();
          }
          json.writeArrayFieldStart("identifier");
          for (ObservationDraft.Identifier identifier : observation.identifiers) {
            json.writeStartObject();
            json.writeStringField("system", identifier.system());
            json.writeStringField("value", identifier.value());
            json.writeEndObject();
          }
          json.writeEndArray();
          json.writeStringField("status", sample.status());
          if (observation.category != null) {
            json.writeArrayFieldStart("category");
            json.writeStartObject();
            json.writeArrayFieldStart("coding");
            coding(
                json,
                FhirSystems.OBSERVATION_CATEGORY,
                observation.category,
                SampleContext.CATEGORY_DISPLAYS.get(observation.category));
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndArray();
          }
          json.writeFieldName("code");
          concept(json, observation.code);
          json.writeObjectFieldStart("subject");
          json.writeStringField("reference", sample.patientReference());
          json.writeEndObject();
          if (observation.effectiveDateTime != null) {
            json.writeStringField("effectiveDateTime", observation.effectiveDateTime);
          } else if (observation.effectiveStart != null) {
            json.writeObjectFieldStart("effectivePeriod");
            json.writeStringField("start", observation.effectiveStart);
            json.writeStringField("end", observation.effectiveEnd);
            json.writeEndObject();
          }
          if (observation.value != null) {
            value(json, "value", observation.value);
          }
          if (observation.bodySite != null) {
            json.writeFieldName("bodySite");
            concept(json, observation.bodySite);
          }
          if (observation.method != null) {
            json.writeFieldName("method");
            concept(json, observation.method);
          }
          if (sample.deviceReference() != null) {
            json.writeObjectFieldStart("device");
            json.writeStringField("reference", sample.deviceReference());
            json.writeEndObject();
          }
          if (!observation.hasMember.isEmpty()) {
            json.writeArrayFieldStart("hasMember");
            for (String member : observation.hasMember) {
              json.writeStartObject();
              json.writeStringField("reference", member);
              json.writeEndObject();
            }
            json.writeEndArray();
          }
          if (!observation.components.isEmpty()) {
            json.writeArrayFieldStart("component");
            for (ObservationDraft.Component component : observation.components) {
              json.writeStartObject();
              json.writeFieldName("code");
              concept(json, component.code());
              value(json, "value", component.value());
              json.writeEndObject();
            }
            json.writeEndArray();
          }
        });
  }

  /** A CodeableConcept: codings, then text when it is not blank (HAPI's {@code hasText}). */
  private static void concept(JsonGenerator json, ObservationDraft.Concept concept)
      throws IOException {
    json.writeStartObject();
    if (!concept.codings().isEmpty()) {
      json.writeArrayFieldStart("coding");
      for (ObservationDraft.Coding coding : concept.codings()) {
        coding(json, coding.system(), coding.code(), coding.display());
      }
      json.writeEndArray();
    }
    if (has(concept.text())) {
      json.writeStringField("text", concept.text());
    }
    json.writeEndObject();
  }

  /** A Coding without its blank parts, as HAPI's {@code hasSystem}/{@code hasCode}/... decide. */
  private static void coding(JsonGenerator json, String system, String code, String display)
      throws IOException {
    json.writeStartObject();
    if (has(system)) {
      json.writeStringField("system", system);
    }
    if (has(code)) {
      json.writeStringField("code", code);
    }
    if (has(display)) {
      json.writeStringField("display", display);
    }
    json.writeEndObject();
  }

  private static void value(JsonGenerator json, String prefix, ObservationDraft.Value value)
      throws IOException {
    if (value instanceof ObservationDraft.Quantity quantity) {
      json.writeObjectFieldStart(prefix + "Quantity");
      json.writeFieldName("value");
      json.writeNumber(quantity.value());
      if (has(quantity.unit())) {
        json.writeStringField("unit", quantity.unit());
      }
      json.writeStringField("system", quantity.system());
      json.writeStringField("code", quantity.code());
      json.writeEndObject();
    } else if (value instanceof ObservationDraft.Concept concept) {
      json.writeFieldName(prefix + "CodeableConcept");
      concept(json, concept);
    } else if (value instanceof ObservationDraft.IntegerValue integer) {
      json.writeFieldName(prefix + "Integer");
      json.writeNumber(integer.value());
    }
  }

  /**
   * HAPI leaves out a string element that is null or blank ({@code PrimitiveType.isEmpty}), so this
   * does too.
   */
  private static boolean has(String text) {
    return text != null && !text.isBlank();
  }

  static String patient(Patient patient) {
    return write(
        json -> {
          json.writeStringField("resourceType", "Patient");
          json.writeStringField("id", patient.getIdElement().getIdPart());
          meta(json, patient.getMeta());
          identifiers(json, patient.getIdentifier());
        });
  }

  static String device(Device device) {
    return write(
        json -> {
          json.writeStringField("resourceType", "Device");
          json.writeStringField("id", device.getIdElement().getIdPart());
          meta(json, device.getMeta());
          identifiers(json, device.getIdentifier());
          if (device.hasManufacturer()) {
            json.writeStringField("manufacturer", device.getManufacturer());
          }
          if (device.hasDeviceName()) {
            json.writeArrayFieldStart("deviceName");
            for (Device.DeviceDeviceNameComponent name : device.getDeviceName()) {
              json.writeStartObject();
              json.writeStringField("name", name.getName());
              json.writeStringField("type", name.getType().toCode());
              json.writeEndObject();
            }
            json.writeEndArray();
          }
          if (device.hasModelNumber()) {
            json.writeStringField("modelNumber", device.getModelNumber());
          }
          if (device.hasType()) {
            json.writeFieldName("type");
            codeableConcept(json, device.getType());
          }
          if (device.hasVersion()) {
            json.writeArrayFieldStart("version");
            for (Device.DeviceVersionComponent version : device.getVersion()) {
              json.writeStartObject();
              if (version.hasType()) {
                json.writeFieldName("type");
                codeableConcept(json, version.getType());
              }
              json.writeStringField("value", version.getValue());
              json.writeEndObject();
            }
            json.writeEndArray();
          }
        });
  }

  private interface Body {
    void write(JsonGenerator json) throws IOException;
  }

  private static String write(Body body) {
    // SegmentedStringWriter on the factory's recycled buffers, as ObjectMapper.writeValueAsString
    // does.
    SegmentedStringWriter out = new SegmentedStringWriter(JSON._getBufferRecycler());
    try {
      try (JsonGenerator json = JSON.createGenerator(out)) {
        json.writeStartObject();
        body.write(json);
        json.writeEndObject();
      }
      return out.getAndClear();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
  }

  private static void meta(JsonGenerator json, Meta meta) throws IOException {
    if (meta.isEmpty()) {
      return;
    }
    json.writeObjectFieldStart("meta");
    if (meta.hasVersionId()) {
      json.writeStringField("versionId", meta.getVersionId());
    }
    if (meta.hasLastUpdated()) {
      json.writeStringField("lastUpdated", meta.getLastUpdatedElement().getValueAsString());
    }
    if (meta.hasSource()) {
      json.writeStringField("source", meta.getSource());
    }
    if (meta.hasProfile()) {
      json.writeArrayFieldStart("profile");
      for (UriType profile : meta.getProfile()) {
        json.writeString(profile.getValueAsString());
      }
      json.writeEndArray();
    }
    if (meta.hasTag()) {
      json.writeArrayFieldStart("tag");
      for (Coding tag : meta.getTag()) {
        coding(json, tag);
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  private static void identifiers(JsonGenerator json, List<Identifier> identifiers)
      throws IOException {
    if (identifiers.isEmpty()) {
      return;
    }
    json.writeArrayFieldStart("identifier");
    for (Identifier identifier : identifiers) {
      json.writeStartObject();
      json.writeStringField("system", identifier.getSystem());
      json.writeStringField("value", identifier.getValue());
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private static void codeableConcept(JsonGenerator json, CodeableConcept concept)
      throws IOException {
    json.writeStartObject();
    if (concept.hasCoding()) {
      json.writeArrayFieldStart("coding");
      for (Coding coding : concept.getCoding()) {
        coding(json, coding);
      }
      json.writeEndArray();
    }
    if (concept.hasText()) {
      json.writeStringField("text", concept.getText());
    }
    json.writeEndObject();
  }

  private static void coding(JsonGenerator json, Coding coding) throws IOException {
    json.writeStartObject();
    if (coding.hasSystem()) {
      json.writeStringField("system", coding.getSystem());
    }
    if (coding.hasCode()) {
      json.writeStringField("code", coding.getCode());
    }
    if (coding.hasDisplay()) {
      json.writeStringField("display", coding.getDisplay());
    }
    json.writeEndObject();
  }
}
