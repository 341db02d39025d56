package io.fhirflow.mapping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.io.SerializedString;
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

  // Field names and constant values with their quoted form computed once (Jackson's
  // SerializedString), so the generator copies them instead of scanning each character to escape.
  private static final SerializedString RESOURCE_TYPE = new SerializedString("resourceType");
  private static final SerializedString OBSERVATION = new SerializedString("Observation");
  private static final SerializedString ID = new SerializedString("id");
  private static final SerializedString META = new SerializedString("meta");
  private static final SerializedString VERSION_ID = new SerializedString("versionId");
  private static final SerializedString LAST_UPDATED = new SerializedString("lastUpdated");
  private static final SerializedString SOURCE = new SerializedString("source");
  private static final SerializedString PROFILE = new SerializedString("profile");
  private static final SerializedString TAG = new SerializedString("tag");
  private static final SerializedString EXTENSION = new SerializedString("extension");
  private static final SerializedString URL = new SerializedString("url");
  private static final SerializedString IDENTIFIER = new SerializedString("identifier");
  private static final SerializedString SYSTEM = new SerializedString("system");
  private static final SerializedString VALUE = new SerializedString("value");
  private static final SerializedString STATUS = new SerializedString("status");
  private static final SerializedString CATEGORY = new SerializedString("category");
  private static final SerializedString CODING = new SerializedString("coding");
  private static final SerializedString CODE = new SerializedString("code");
  private static final SerializedString DISPLAY = new SerializedString("display");
  private static final SerializedString TEXT = new SerializedString("text");
  private static final SerializedString SUBJECT = new SerializedString("subject");
  private static final SerializedString REFERENCE = new SerializedString("reference");
  private static final SerializedString EFFECTIVE_DATE_TIME =
      new SerializedString("effectiveDateTime");
  private static final SerializedString EFFECTIVE_PERIOD = new SerializedString("effectivePeriod");
  private static final SerializedString START = new SerializedString("start");
  private static final SerializedString END = new SerializedString("end");
  private static final SerializedString VALUE_QUANTITY = new SerializedString("valueQuantity");
  private static final SerializedString VALUE_CODEABLE_CONCEPT =
      new SerializedString("valueCodeableConcept");
  private static final SerializedString VALUE_INTEGER = new SerializedString("valueInteger");
  private static final SerializedString UNIT = new SerializedString("unit");
  private static final SerializedString BODY_SITE = new SerializedString("bodySite");
  private static final SerializedString METHOD = new SerializedString("method");
  private static final SerializedString DEVICE = new SerializedString("device");
  private static final SerializedString HAS_MEMBER = new SerializedString("hasMember");
  private static final SerializedString COMPONENT = new SerializedString("component");
  private static final SerializedString TENANT_SYSTEM = new SerializedString(FhirSystems.TENANT);

  /**
   * One Observation of a sample, from its draft and what the sample's Observations share, in the
   * element order HAPI writes.
   */
  static String observation(SampleContext sample, ObservationDraft observation) {
    return write(
        json -> {
          field(json, RESOURCE_TYPE, OBSERVATION);
          field(json, ID, observation.id);
          json.writeFieldName(META);
          json.writeStartObject();
          field(json, VERSION_ID, sample.versionId());
          field(json, LAST_UPDATED, sample.lastUpdated());
          field(json, SOURCE, sample.source());
          if (has(observation.profile)) {
            json.writeFieldName(PROFILE);
            json.writeStartArray();
            json.writeString(observation.profile);
            json.writeEndArray();
          }
          json.writeFieldName(TAG);
          json.writeStartArray();
          json.writeStartObject();
          json.writeFieldName(SYSTEM);
          json.writeString(TENANT_SYSTEM);
          if (has(sample.tenant)) {
            field(json, CODE, sample.tenant);
          }
          json.writeEndObject();
          json.writeEndArray();
          json.writeEndObject();
          if (!observation.extensions.isEmpty()) {
            json.writeFieldName(EXTENSION);
            json.writeStartArray();
            for (ObservationDraft.Extension extension : observation.extensions) {
              json.writeStartObject();
              field(json, URL, extension.url());
              value(json, extension.value());
              json.writeEndObject();
            }
            json.writeEndArray();
          }
          json.writeFieldName(IDENTIFIER);
          json.writeStartArray();
          for (ObservationDraft.Identifier identifier : observation.identifiers) {
            json.writeStartObject();
            field(json, SYSTEM, identifier.system());
            field(json, VALUE, identifier.value());
            json.writeEndObject();
          }
          json.writeEndArray();
          field(json, STATUS, sample.status());
          if (observation.categoryJson != null) {
            json.writeFieldName(CATEGORY);
            json.writeRawValue(observation.categoryJson);
          }
          json.writeFieldName(CODE);
          if (observation.codeJson != null) {
            json.writeRawValue(observation.codeJson);
          } else {
            concept(json, observation.code);
          }
          reference(json, SUBJECT, sample.patientReference());
          if (observation.effectiveDateTime != null) {
            field(json, EFFECTIVE_DATE_TIME, observation.effectiveDateTime);
          } else if (observation.effectiveStart != null) {
            json.writeFieldName(EFFECTIVE_PERIOD);
            json.writeStartObject();
            field(json, START, observation.effectiveStart);
            field(json, END, observation.effectiveEnd);
            json.writeEndObject();
          }
          if (observation.value != null) {
            value(json, observation.value);
          }
          if (observation.bodySite != null) {
            json.writeFieldName(BODY_SITE);
            concept(json, observation.bodySite);
          }
          if (observation.method != null) {
            json.writeFieldName(METHOD);
            concept(json, observation.method);
          }
          if (sample.deviceReference() != null) {
            reference(json, DEVICE, sample.deviceReference());
          }
          if (!observation.hasMember.isEmpty()) {
            json.writeFieldName(HAS_MEMBER);
            json.writeStartArray();
            for (String member : observation.hasMember) {
              json.writeStartObject();
              field(json, REFERENCE, member);
              json.writeEndObject();
            }
            json.writeEndArray();
          }
          if (!observation.components.isEmpty()) {
            json.writeFieldName(COMPONENT);
            json.writeStartArray();
            for (ObservationDraft.Component component : observation.components) {
              json.writeStartObject();
              json.writeFieldName(CODE);
              concept(json, component.code());
              value(json, component.value());
              json.writeEndObject();
            }
            json.writeEndArray();
          }
        });
  }

  /** An Observation's category array with one observation-category coding, as JSON. */
  static String category(String code, String display) {
    return render(
        json -> {
          json.writeStartArray();
          json.writeStartObject();
          json.writeFieldName(CODING);
          json.writeStartArray();
          coding(json, FhirSystems.OBSERVATION_CATEGORY, code, display);
          json.writeEndArray();
          json.writeEndObject();
          json.writeEndArray();
        });
  }

  /** A CodeableConcept as JSON, as {@link #observation} writes it in place. */
  static String concept(ObservationDraft.Concept concept) {
    return render(json -> concept(json, concept));
  }

  /** A CodeableConcept: codings, then text when it is not blank (HAPI's {@code hasText}). */
  private static void concept(JsonGenerator json, ObservationDraft.Concept concept)
      throws IOException {
    json.writeStartObject();
    if (!concept.codings().isEmpty()) {
      json.writeFieldName(CODING);
      json.writeStartArray();
      for (ObservationDraft.Coding coding : concept.codings()) {
        coding(json, coding.system(), coding.code(), coding.display());
      }
      json.writeEndArray();
    }
    if (has(concept.text())) {
      field(json, TEXT, concept.text());
    }
    json.writeEndObject();
  }

  /** A Coding without its blank parts, as HAPI's {@code hasSystem}/{@code hasCode}/... decide. */
  private static void coding(JsonGenerator json, String system, String code, String display)
      throws IOException {
    json.writeStartObject();
    if (has(system)) {
      field(json, SYSTEM, system);
    }
    if (has(code)) {
      field(json, CODE, code);
    }
    if (has(display)) {
      field(json, DISPLAY, display);
    }
    json.writeEndObject();
  }

  private static void reference(JsonGenerator json, SerializedString name, String reference)
      throws IOException {
    json.writeFieldName(name);
    json.writeStartObject();
    field(json, REFERENCE, reference);
    json.writeEndObject();
  }

  /** value[x] of an Observation, a component or an extension. */
  private static void value(JsonGenerator json, ObservationDraft.Value value) throws IOException {
    if (value instanceof ObservationDraft.Quantity quantity) {
      json.writeFieldName(VALUE_QUANTITY);
      json.writeStartObject();
      json.writeFieldName(VALUE);
      json.writeNumber(quantity.value());
      if (has(quantity.unit())) {
        field(json, UNIT, quantity.unit());
      }
      field(json, SYSTEM, quantity.system());
      field(json, CODE, quantity.code());
      json.writeEndObject();
    } else if (value instanceof ObservationDraft.Concept concept) {
      json.writeFieldName(VALUE_CODEABLE_CONCEPT);
      concept(json, concept);
    } else if (value instanceof ObservationDraft.IntegerValue integer) {
      json.writeFieldName(VALUE_INTEGER);
      json.writeNumber(integer.value());
    }
  }

  private static void field(JsonGenerator json, SerializedString name, String value)
      throws IOException {
    json.writeFieldName(name);
    json.writeString(value);
  }

  private static void field(JsonGenerator json, SerializedString name, SerializedString value)
      throws IOException {
    json.writeFieldName(name);
    json.writeString(value);
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

  /** One JSON value as text, written by body from its first token to its last. */
  private static String render(Body body) {
    SegmentedStringWriter out = new SegmentedStringWriter(JSON._getBufferRecycler());
    try {
      try (JsonGenerator json = JSON.createGenerator(out)) {
        body.write(json);
      }
      return out.getAndClear();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
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
