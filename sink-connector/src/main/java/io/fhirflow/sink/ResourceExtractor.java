package io.fhirflow.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the search columns out of a FHIR R4 JSON resource, or says why it never can.
 *
 * <p>Jackson's tree model: one parse per record, no HAPI model (a HAPI parse costs ~25 µs per
 * Observation; the tree reads only the handful of fields the table needs). The JSON text is kept
 * verbatim for the {@code resource} column.
 */
public final class ResourceExtractor {

  /** FHIR R4 id: 1-64 characters of [A-Za-z0-9-.]. */
  static final int MAX_ID_LENGTH = 64;

  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1," + MAX_ID_LENGTH + "}");
  private static final Pattern VERSION_ID = Pattern.compile("[0-9]{1,18}");

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private final Map<ResourceType, String> tables;

  /** @param tables the configured table mapping; types not in it are UNKNOWN_RESOURCE_TYPE */
  public ResourceExtractor(Map<ResourceType, String> tables) {
    this.tables = tables;
  }

  /** {@link #extract(Object, Long)} without a record timestamp. */
  public ResourceRow extract(Object value) {
    return extract(value, null);
  }

  /**
   * Extracts a row from a record value ({@code byte[]} or {@code String} with UTF-8 JSON).
   *
   * <p>Observations must carry {@code meta.lastUpdated} (the mapping contract). Patient and Device
   * resources are deterministic and may come without meta: their last_updated is then the Kafka
   * record timestamp, so a replay (same timestamps) stays a no-op.
   *
   * @param recordTimestampMs the Kafka record timestamp, or null when unknown
   * @throws UnwritableRecordException with the reason when the value can never be written
   */
  public ResourceRow extract(Object value, Long recordTimestampMs) {
    String json;
    if (value == null) {
      throw new UnwritableRecordException(RejectReason.NULL_VALUE);
    } else if (value instanceof byte[] bytes) {
      json = new String(bytes, StandardCharsets.UTF_8);
    } else if (value instanceof String s) {
      json = s;
    } else {
      throw new UnwritableRecordException(RejectReason.UNSUPPORTED_VALUE_TYPE);
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UnwritableRecordException(RejectReason.NOT_JSON);
    } catch (IOException e) {
      throw new UnwritableRecordException(RejectReason.NOT_JSON);
    }
    if (root == null || !root.isObject() || !root.path("resourceType").isTextual()) {
      throw new UnwritableRecordException(RejectReason.NOT_FHIR);
    }
    ResourceType type =
        ResourceType.ofFhirName(root.get("resourceType").asText())
            .filter(tables::containsKey)
            .orElseThrow(() -> new UnwritableRecordException(RejectReason.UNKNOWN_RESOURCE_TYPE));
    // PostgreSQL's jsonb refuses \u0000 and would fail the whole batch: catch it per record here.
    if (hasNulEscape(json)) {
      throw new UnwritableRecordException(RejectReason.NUL_CHARACTER);
    }
    String id = id(root);
    JsonNode meta = root.path("meta");
    Instant lastUpdated = instant(meta.path("lastUpdated"));
    if (lastUpdated == null && type != ResourceType.OBSERVATION
        && recordTimestampMs != null && recordTimestampMs >= 0) {
      lastUpdated = Instant.ofEpochMilli(recordTimestampMs);
    }
    if (lastUpdated == null) {
      throw new UnwritableRecordException(RejectReason.MISSING_LAST_UPDATED);
    }
    long versionId = versionId(meta.path("versionId"));
    return switch (type) {
      case OBSERVATION -> observation(root, id, lastUpdated, versionId, json);
      case PATIENT, DEVICE -> new ResourceRow(type, id, null, null, null, null, null, null,
          lastUpdated, versionId, identifiers(root.path("identifier")), json);
    };
  }

  private static ResourceRow observation(
      JsonNode root, String id, Instant lastUpdated, long versionId, String json) {
    String patientId = patientId(root.path("subject").path("reference"));
    List<String> codes = codings(root.path("code"));
    if (codes.isEmpty()) {
      throw new UnwritableRecordException(RejectReason.MISSING_CODE);
    }
    List<String> category = new ArrayList<>();
    for (JsonNode concept : root.path("category")) {
      category.addAll(codings(concept));
    }
    Instant start;
    Instant end;
    if (root.has("effectiveDateTime")) {
      start = instant(root.get("effectiveDateTime"));
      end = start;
    } else {
      JsonNode period = root.path("effectivePeriod");
      start = instant(period.path("start"));
      end = instant(period.path("end"));
    }
    return new ResourceRow(ResourceType.OBSERVATION, id, patientId, codes.get(0), codes,
        category.isEmpty() ? null : category, start, end, lastUpdated, versionId, null, json);
  }

  private static String id(JsonNode root) {
    JsonNode node = root.path("id");
    if (!node.isTextual() || node.asText().isEmpty()) {
      throw new UnwritableRecordException(RejectReason.MISSING_ID);
    }
    String id = node.asText();
    if (id.length() > MAX_ID_LENGTH) {
      throw new UnwritableRecordException(RejectReason.ID_TOO_LONG);
    }
    if (!FHIR_ID.matcher(id).matches()) {
      throw new UnwritableRecordException(RejectReason.INVALID_ID);
    }
    return id;
  }

  /** "Patient/abc", "https://host/fhir/Patient/abc" or "Patient/abc/_history/2" → "abc". */
  private static String patientId(JsonNode reference) {
    if (!reference.isTextual()) {
      throw new UnwritableRecordException(RejectReason.MISSING_SUBJECT);
    }
    String ref = reference.asText();
    int at;
    if (ref.startsWith("Patient/")) {
      at = 0;
    } else {
      int slash = ref.indexOf("/Patient/");
      if (slash < 0) {
        throw new UnwritableRecordException(RejectReason.MISSING_SUBJECT);
      }
      at = slash + 1;
    }
    String rest = ref.substring(at + "Patient/".length());
    int slash = rest.indexOf('/');
    String id = slash < 0 ? rest : rest.substring(0, slash);
    if (!FHIR_ID.matcher(id).matches()) {
      throw new UnwritableRecordException(RejectReason.MISSING_SUBJECT);
    }
    return id;
  }

  /** Every coding of a CodeableConcept with both system and code, as "system|code", in order. */
  private static List<String> codings(JsonNode concept) {
    List<String> out = new ArrayList<>();
    for (JsonNode coding : concept.path("coding")) {
      JsonNode system = coding.path("system");
      JsonNode code = coding.path("code");
      if (system.isTextual() && code.isTextual()) {
        out.add(system.asText() + "|" + code.asText());
      }
    }
    return out;
  }

  /** Every identifier with system and value, as "system|value". */
  private static List<String> identifiers(JsonNode identifiers) {
    List<String> out = new ArrayList<>();
    for (JsonNode identifier : identifiers) {
      JsonNode system = identifier.path("system");
      JsonNode value = identifier.path("value");
      if (system.isTextual() && value.isTextual()) {
        out.add(system.asText() + "|" + value.asText());
      }
    }
    return out.isEmpty() ? null : out;
  }

  private static long versionId(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return 0L; // a producer that does not version its resources: first write wins, replays no-op
    }
    if (!node.isTextual() || !VERSION_ID.matcher(node.asText()).matches()) {
      throw new UnwritableRecordException(RejectReason.INVALID_VERSION_ID);
    }
    return Long.parseLong(node.asText());
  }

  /**
   * A FHIR instant or dateTime → Instant (microseconds). A date-only value (yyyy-mm-dd) is the
   * start of that day in UTC; a time without offset is not valid FHIR and is rejected.
   */
  static Instant instant(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new UnwritableRecordException(RejectReason.INVALID_DATE);
    }
    String text = node.asText();
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MICROS);
    } catch (DateTimeException e) {
      throw new UnwritableRecordException(RejectReason.INVALID_DATE);
    }
  }

  /**
   * True when the JSON text holds the escape for U+0000. Only an odd run of backslashes before
   * {@code u0000} is that escape: {@code "\\u0000"} is a backslash followed by the text u0000,
   * which jsonb stores.
   */
  static boolean hasNulEscape(String json) {
    for (int at = json.indexOf("\\u0000"); at >= 0; at = json.indexOf("\\u0000", at + 1)) {
      int backslashes = 1;
      while (at - backslashes >= 0 && json.charAt(at - backslashes) == '\\') {
        backslashes++;
      }
      if (backslashes % 2 == 1) {
        return true;
      }
    }
    return false;
  }
}
