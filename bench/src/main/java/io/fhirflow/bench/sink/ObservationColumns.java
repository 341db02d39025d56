package io.fhirflow.bench.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The table columns of one Observation, computed outside any connector: the raw COPY ceiling and
 * Debezium's records get them ready-made (so both do less work than the fhirflow task, which
 * extracts them itself).
 */
record ObservationColumns(
    String id,
    String patientId,
    String code,
    List<String> codes,
    List<String> category,
    String effectiveStart,
    String effectiveEnd,
    String lastUpdated,
    long versionId,
    String resource) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static ObservationColumns of(byte[] json) throws IOException {
    JsonNode root = JSON.readTree(json);
    List<String> codes = codings(root.path("code"));
    List<String> category = new ArrayList<>();
    root.path("category").forEach(c -> category.addAll(codings(c)));
    String start =
        root.has("effectiveDateTime")
            ? root.get("effectiveDateTime").asText()
            : root.path("effectivePeriod").path("start").asText(null);
    String end =
        root.has("effectiveDateTime")
            ? start
            : root.path("effectivePeriod").path("end").asText(null);
    String reference = root.path("subject").path("reference").asText();
    return new ObservationColumns(
        root.get("id").asText(),
        reference.substring(reference.lastIndexOf('/') + 1),
        codes.get(0),
        codes,
        category.isEmpty() ? null : category,
        utc(start),
        utc(end),
        utc(root.path("meta").path("lastUpdated").asText()),
        Long.parseLong(root.path("meta").path("versionId").asText("0")),
        new String(json, java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String utc(String dateTime) {
    return dateTime == null ? null : OffsetDateTime.parse(dateTime).toInstant().toString();
  }

  private static List<String> codings(JsonNode concept) {
    List<String> out = new ArrayList<>();
    concept
        .path("coding")
        .forEach(c -> out.add(c.path("system").asText() + "|" + c.path("code").asText()));
    return out;
  }
}
