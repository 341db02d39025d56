package io.fhirflow.mapping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import io.fhirflow.contracts.FhirSystems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Builds the summary Observation of one patient, measure and period (docs/summaries.md "The
 * Observation"). The JSON is written straight from the definition and the figures with Jackson's
 * generator, byte for byte what HAPI's {@code JsonParser} writes for the same Observation model
 * (same element order, escaping and number text; SummaryObservationsTest proves it for every row of
 * the built-in catalogue): with hourly summaries a back-filled day writes up to 24 of them per
 * patient, and HAPI's model and reflective parser cost several times the sample's own mapping.
 */
public final class SummaryObservations {
  /** The most source Observations a summary lists in derivedFrom (the smallest ids). */
  public static final int DERIVED_FROM_MAX = 20;

  private static final JsonFactory JSON = new JsonFactory();

  /** HAPI's text of a dateTime at second precision: offset always as ±hh:mm (+00:00, never Z). */
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx", Locale.ROOT);

  /** HAPI's text of an instant at millisecond precision in UTC. */
  private static final DateTimeFormatter INSTANT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private SummaryObservations() {}

  /**
   * The summary Observation.
   *
   * @param tenant the patient's tenant, the Observation's meta.tag ({@code FhirSystems.TENANT})
   * @param version 1 for the first emission (status final), then 2, 3, ... (status amended)
   * @param computedAt meta.lastUpdated: when this version was computed
   */
  public static FhirResource build(
      SummaryDefinition d,
      String tenant,
      String patientId,
      long periodKey,
      int generation,
      SummaryFigures f,
      int version,
      Instant computedAt) {
    String label = d.period().label(periodKey);
    String id = ResourceIds.summary(patientId, d.measure(), label, generation);
    SegmentedStringWriter out = new SegmentedStringWriter(JSON._getBufferRecycler());
    try {
      try (JsonGenerator json = JSON.createGenerator(out)) {
        write(json, d, tenant, patientId, id, label, f, version, computedAt);
      }
      return new FhirResource("Observation", id, out.getAndClear());
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
  }

  private static void write(
      JsonGenerator json,
      SummaryDefinition d,
      String tenant,
      String patientId,
      String id,
      String label,
      SummaryFigures f,
      int version,
      Instant computedAt)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("resourceType", "Observation");
    json.writeStringField("id", id);
    json.writeObjectFieldStart("meta");
    json.writeStringField("versionId", Integer.toString(version));
    json.writeStringField("lastUpdated", INSTANT.format(computedAt));
    json.writeArrayFieldStart("tag");
    coding(json, FhirSystems.SUMMARY, "summary", "Summary");
    coding(json, FhirSystems.TENANT, tenant, null);
    json.writeEndArray();
    json.writeEndObject();
    json.writeArrayFieldStart("identifier");
    json.writeStartObject();
    json.writeStringField("system", FhirSystems.SID_SUMMARY);
    json.writeStringField("value", d.measure() + "/" + label);
    json.writeEndObject();
    json.writeEndArray();
    json.writeStringField("status", version <= 1 ? "final" : "amended");
    json.writeArrayFieldStart("category");
    if (d.category() != null) {
      json.writeStartObject();
      json.writeArrayFieldStart("coding");
      coding(
          json,
          FhirSystems.OBSERVATION_CATEGORY,
          d.category(),
          SampleContext.CATEGORY_DISPLAYS.get(d.category()));
      json.writeEndArray();
      json.writeEndObject();
    }
    json.writeStartObject();
    json.writeArrayFieldStart("coding");
    coding(json, FhirSystems.SUMMARY, d.period().categoryCode(), null);
    json.writeEndArray();
    json.writeEndObject();
    json.writeEndArray();
    json.writeObjectFieldStart("code");
    json.writeArrayFieldStart("coding");
    coding(json, FhirSystems.LOINC, d.loinc(), d.loincDisplay());
    if (d.alsoLoinc() != null) {
      coding(json, FhirSystems.LOINC, d.alsoLoinc(), d.alsoLoincDisplay());
    }
    coding(json, FhirSystems.SUMMARY, d.measure(), null);
    json.writeEndArray();
    optionalField(json, "text", d.name());
    json.writeEndObject();
    json.writeObjectFieldStart("subject");
    json.writeStringField("reference", "Patient/" + patientId);
    json.writeEndObject();
    json.writeObjectFieldStart("effectivePeriod");
    json.writeStringField("start", DATE_TIME.format(f.start()));
    json.writeStringField("end", DATE_TIME.format(f.end()));
    json.writeEndObject();
    switch (d.aggregate()) {
      case SUM -> quantity(json, "valueQuantity", d, f.sum());
      case MEAN -> quantity(json, "valueQuantity", d, mean(f));
      case STATS -> {}
    }
    if (!f.derivedFrom().isEmpty()) {
      json.writeArrayFieldStart("derivedFrom");
      for (String source : f.derivedFrom()) {
        json.writeStartObject();
        json.writeStringField("reference", "Observation/" + source);
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    if (!d.components().isEmpty()) {
      json.writeArrayFieldStart("component");
      for (SummaryStatistic s : d.components()) {
        json.writeStartObject();
        json.writeObjectFieldStart("code");
        json.writeArrayFieldStart("coding");
        coding(json, FhirSystems.OBSERVATION_STATISTICS, s.code(), s.display());
        json.writeEndArray();
        json.writeEndObject();
        switch (s) {
          case MINIMUM -> quantity(json, "valueQuantity", d, SampleContext.decimal(f.min()));
          case MAXIMUM -> quantity(json, "valueQuantity", d, SampleContext.decimal(f.max()));
          case AVERAGE -> quantity(json, "valueQuantity", d, mean(f));
          case COUNT -> {
            json.writeFieldName("valueInteger");
            json.writeNumber(Math.toIntExact(f.count()));
          }
        }
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  /** A figure as written: rounded half-even to the row's decimals, trailing zeros dropped. */
  public static BigDecimal written(SummaryDefinition d, BigDecimal value) {
    BigDecimal rounded = value.setScale(d.decimals(), RoundingMode.HALF_EVEN).stripTrailingZeros();
    return rounded.scale() < 0 ? rounded.setScale(0, RoundingMode.UNNECESSARY) : rounded;
  }

  /** The exact mean (to 20 significant digits before it is rounded as written). */
  public static BigDecimal mean(SummaryFigures f) {
    return f.sum().divide(BigDecimal.valueOf(f.count()), MathContext.DECIMAL128);
  }

  private static void quantity(JsonGenerator json, String name, SummaryDefinition d, BigDecimal v)
      throws IOException {
    json.writeObjectFieldStart(name);
    json.writeFieldName("value");
    json.writeNumber(written(d, v));
    optionalField(json, "unit", d.unit());
    optionalField(json, "system", FhirSystems.UCUM);
    optionalField(json, "code", d.ucum());
    json.writeEndObject();
  }

  private static void coding(JsonGenerator json, String system, String code, String display)
      throws IOException {
    json.writeStartObject();
    optionalField(json, "system", system);
    optionalField(json, "code", code);
    optionalField(json, "display", display);
    json.writeEndObject();
  }

  /** HAPI leaves out an element without a value: null or empty text. */
  private static void optionalField(JsonGenerator json, String name, String value)
      throws IOException {
    if (value != null && !value.isEmpty()) {
      json.writeStringField(name, value);
    }
  }
}
