package io.fhirflow.mapping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What mapping a list of cases gave, one JSON object a line, in the order the mapper produced it:
 * {@code {"case":…,"observation":<the exact bytes>}}, {@code {"case":…,"metric":{…}}} or {@code
 * {"case":…,"rejection":{…}}}. Observations are written raw, so a changed value, number format or
 * element order changes the line. The pinned fixtures in {@code src/test/resources/encoding} are
 * such transcripts (or, for the large input sets, their SHA-256).
 */
final class EncodingTranscript {
  private static final JsonFactory JSON = new JsonFactory();

  private final List<String> lines = new ArrayList<>();

  void add(String label, MappingOutcome outcome) {
    if (outcome instanceof Mapped mapped) {
      addMapped(
          label, mapped.observations().stream().map(FhirResource::json).toList(), mapped.metrics());
    } else {
      addRejection(label, (Rejection) outcome);
    }
  }

  void addMapped(String label, List<String> observations, List<MetricPoint> metrics) {
    for (String observation : observations) {
      lines.add(line(label, "observation", g -> g.writeRawValue(observation)));
    }
    for (MetricPoint point : metrics) {
      lines.add(
          line(
              label,
              "metric",
              g -> {
                g.writeStartObject();
                g.writeStringField("metric", point.metric());
                g.writeStringField("kind", point.kind().name());
                g.writeNumberField("value", point.value());
                g.writeStringField("unit", point.unit());
                g.writeStringField("time", point.time().toString());
                g.writeStringField("zone", point.zone().toString());
                g.writeStringField("observationId", point.observationId());
                g.writeEndObject();
              }));
    }
  }

  void addRejection(String label, Rejection rejection) {
    lines.add(
        line(
            label,
            "rejection",
            g -> {
              g.writeStartObject();
              g.writeStringField("reason", rejection.reason().name());
              g.writeStringField("detail", rejection.detail());
              g.writeEndObject();
            }));
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  /** SHA-256 of the lines, each ended by a newline, in hex. */
  String sha256() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String line : lines) {
        digest.update((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Whether a transcript line records a rejection (one line per rejected case). */
  static boolean isRejection(String line) {
    return line.contains("\",\"rejection\":{");
  }

  /** Lines of a transcript grouped by their case label, in order. */
  static Map<String, List<String>> byCase(List<String> lines) {
    Map<String, List<String>> cases = new LinkedHashMap<>();
    for (String line : lines) {
      cases.computeIfAbsent(label(line), l -> new ArrayList<>()).add(line);
    }
    return cases;
  }

  private static String label(String line) {
    try (JsonParser parser = JSON.createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT || !"case".equals(parser.nextFieldName())) {
        throw new IllegalArgumentException("not a transcript line: " + line);
      }
      return parser.nextTextValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface Body {
    void write(JsonGenerator generator) throws IOException;
  }

  private static String line(String label, String field, Body body) {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = JSON.createGenerator(out)) {
      generator.writeStartObject();
      generator.writeStringField("case", label);
      generator.writeFieldName(field);
      body.write(generator);
      generator.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
