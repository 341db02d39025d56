package io.fhirflow.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.fhirflow.contracts.FhirId;
import io.fhirflow.contracts.Tenants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the search columns out of a FHIR R4 JSON resource, or says why it never can.
 *
 * <p>One streaming pass of Jackson's parser per record, no tree and no HAPI model (a HAPI parse
 * costs ~25 µs per Observation): the pass validates the whole document (syntax, duplicate names,
 * nothing after it) and keeps only the handful of values the table needs ({@link Seen}), read as
 * Jackson's tree model would read them (an object where an array is expected is read as its values,
 * anything else is skipped). The JSON text is kept verbatim for the {@code resource} column.
 */
public final class ResourceExtractor {

  /** FHIR R4 id: 1-64 characters of [A-Za-z0-9-.]. */
  static final int MAX_ID_LENGTH = FhirId.MAX_LENGTH;

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** A scalar that is absent, JSON null, or not a string (a number, boolean, object or array). */
  private static final String MISSING = new String("missing");

  private static final String NULL = new String("null");
  private static final String NOT_TEXT = new String("not text");

  private final Map<ResourceType, String> tables;

  /**
   * @param tables the configured table mapping; types not in it are UNKNOWN_RESOURCE_TYPE
   */
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
    Seen root;
    try (JsonParser p = JSON.createParser(json)) {
      root = Seen.of(p);
    } catch (IOException e) {
      throw new UnwritableRecordException(RejectReason.NOT_JSON);
    }
    if (!root.object || !isText(root.resourceType)) {
      throw new UnwritableRecordException(RejectReason.NOT_FHIR);
    }
    ResourceType type =
        ResourceType.ofFhirName(root.resourceType)
            .filter(tables::containsKey)
            .orElseThrow(() -> new UnwritableRecordException(RejectReason.UNKNOWN_RESOURCE_TYPE));
    // PostgreSQL's jsonb refuses \u0000 and would fail the whole batch: catch it per record here.
    if (hasNulEscape(json)) {
      throw new UnwritableRecordException(RejectReason.NUL_CHARACTER);
    }
    String id = id(root.id);
    Instant lastUpdated = instant(root.lastUpdated);
    if (lastUpdated == null
        && type != ResourceType.OBSERVATION
        && recordTimestampMs != null
        && recordTimestampMs >= 0) {
      lastUpdated = Instant.ofEpochMilli(recordTimestampMs);
    }
    if (lastUpdated == null) {
      throw new UnwritableRecordException(RejectReason.MISSING_LAST_UPDATED);
    }
    long versionId = versionId(root.versionId);
    return switch (type) {
      case OBSERVATION -> observation(root, id, lastUpdated, versionId, json);
      case PATIENT, DEVICE ->
          ResourceRow.identified(
              type,
              id,
              lastUpdated,
              versionId,
              root.identifiers.isEmpty() ? null : List.copyOf(root.identifiers),
              json);
    };
  }

  private static ResourceRow observation(
      Seen root, String id, Instant lastUpdated, long versionId, String json) {
    String patientId = patientId(root.reference);
    if (root.codes.isEmpty()) {
      throw new UnwritableRecordException(RejectReason.MISSING_CODE);
    }
    Instant start;
    Instant end;
    if (root.hasEffectiveDateTime) {
      start = instant(root.effectiveDateTime);
      end = start;
    } else {
      start = instant(root.periodStart);
      end = instant(root.periodEnd);
    }
    return new ResourceRow(
        ResourceType.OBSERVATION,
        id,
        patientId,
        root.codes.get(0),
        root.codes,
        root.category.isEmpty() ? null : root.category,
        start,
        end,
        lastUpdated,
        versionId,
        null,
        json,
        Tenants.DEFAULT);
  }

  /**
   * The values of one resource the table needs, from one streaming pass over the whole document.
   * Scalars are their text, or {@link #MISSING}, {@link #NULL} or {@link #NOT_TEXT}.
   */
  private static final class Seen {
    boolean object;
    String resourceType = MISSING;
    String id = MISSING;
    String lastUpdated = MISSING;
    String versionId = MISSING;
    String reference = MISSING;
    boolean hasEffectiveDateTime;
    String effectiveDateTime = MISSING;
    String periodStart = MISSING;
    String periodEnd = MISSING;
    final List<String> codes = new ArrayList<>(2);
    final List<String> category = new ArrayList<>(1);
    final List<String> identifiers = new ArrayList<>(1);

    /** Reads the whole document; throws on bad syntax, a duplicate name or anything after it. */
    static Seen of(JsonParser p) throws IOException {
      Seen seen = new Seen();
      JsonToken first = p.nextToken();
      if (first == JsonToken.START_OBJECT) {
        seen.object = true;
        seen.root(p);
      } else if (first != null) {
        p.skipChildren();
      }
      if (first != null && p.nextToken() != null) {
        throw new IOException("trailing tokens");
      }
      return seen;
    }

    private void root(JsonParser p) throws IOException {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "resourceType" -> resourceType = scalar(p);
          case "id" -> id = scalar(p);
          case "meta" ->
              fields(
                  p,
                  (field, q) -> {
                    switch (field) {
                      case "lastUpdated" -> lastUpdated = scalar(q);
                      case "versionId" -> versionId = scalar(q);
                      default -> q.skipChildren();
                    }
                  });
          case "subject" ->
              fields(
                  p,
                  (field, q) -> {
                    if (field.equals("reference")) {
                      reference = scalar(q);
                    } else {
                      q.skipChildren();
                    }
                  });
          case "code" -> codings(p, codes);
          case "category" -> elements(p, q -> codings(q, category));
          case "effectiveDateTime" -> {
            hasEffectiveDateTime = true;
            effectiveDateTime = scalar(p);
          }
          case "effectivePeriod" ->
              fields(
                  p,
                  (field, q) -> {
                    switch (field) {
                      case "start" -> periodStart = scalar(q);
                      case "end" -> periodEnd = scalar(q);
                      default -> q.skipChildren();
                    }
                  });
          case "identifier" -> elements(p, q -> pairs(q, "system", "value", identifiers));
          default -> p.skipChildren();
        }
      }
    }

    /**
     * Every coding of the CodeableConcept at the current token with system and code, as
     * "system|code".
     */
    private static void codings(JsonParser p, List<String> out) throws IOException {
      fields(
          p,
          (field, q) -> {
            if (field.equals("coding")) {
              elements(q, c -> pairs(c, "system", "code", out));
            } else {
              q.skipChildren();
            }
          });
    }

    /**
     * Adds "a|b" when the object at the current token has string members {@code a} and {@code b}.
     */
    private static void pairs(JsonParser p, String a, String b, List<String> out)
        throws IOException {
      String[] values = {MISSING, MISSING};
      fields(
          p,
          (field, q) -> {
            if (field.equals(a)) {
              values[0] = scalar(q);
            } else if (field.equals(b)) {
              values[1] = scalar(q);
            } else {
              q.skipChildren();
            }
          });
      if (isText(values[0]) && isText(values[1])) {
        out.add(values[0] + "|" + values[1]);
      }
    }
  }

  private interface Member {
    void read(String name, JsonParser p) throws IOException;
  }

  private interface Element {
    void read(JsonParser p) throws IOException;
  }

  /**
   * The members of the object at the current token (each value's first token current); anything
   * else is skipped.
   */
  private static void fields(JsonParser p, Member member) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      member.read(name, p);
    }
  }

  /**
   * The elements of the array at the current token, or the values of an object (as a tree iterates
   * them).
   */
  private static void elements(JsonParser p, Element element) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      fields(p, (name, q) -> element.read(q));
    } else if (t == JsonToken.START_ARRAY) {
      while (p.nextToken() != JsonToken.END_ARRAY) {
        element.read(p);
      }
    }
  }

  /**
   * The scalar at the current token: its text if a string, else MISSING/NULL/NOT_TEXT (skipping a
   * container).
   */
  private static String scalar(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return NULL;
    }
    p.skipChildren();
    return NOT_TEXT;
  }

  @SuppressWarnings("StringEquality") // the markers are compared by identity on purpose
  private static boolean isText(String value) {
    return value != MISSING && value != NULL && value != NOT_TEXT;
  }

  private static String id(String id) {
    if (!isText(id) || id.isEmpty()) {
      throw new UnwritableRecordException(RejectReason.MISSING_ID);
    }
    if (id.length() > MAX_ID_LENGTH) {
      throw new UnwritableRecordException(RejectReason.ID_TOO_LONG);
    }
    if (!FhirId.isValid(id)) {
      throw new UnwritableRecordException(RejectReason.INVALID_ID);
    }
    return id;
  }

  /** "Patient/abc", "https://host/fhir/Patient/abc" or "Patient/abc/_history/2" → "abc". */
  private static String patientId(String ref) {
    if (!isText(ref)) {
      throw new UnwritableRecordException(RejectReason.MISSING_SUBJECT);
    }
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
    if (!FhirId.isValid(id)) {
      throw new UnwritableRecordException(RejectReason.MISSING_SUBJECT);
    }
    return id;
  }

  private static long versionId(String value) {
    if (value == MISSING || value == NULL) {
      return 0L; // a producer that does not version its resources: first write wins, replays no-op
    }
    if (!isText(value) || !isVersionId(value)) {
      throw new UnwritableRecordException(RejectReason.INVALID_VERSION_ID);
    }
    return Long.parseLong(value);
  }

  /** 1-18 ASCII digits (fits a long): a loop, as {@link FhirId#isValid} is (why: there). */
  private static boolean isVersionId(String value) {
    if (value.isEmpty() || value.length() > 18) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * A FHIR instant or dateTime → Instant (microseconds). A date-only value (yyyy-mm-dd) is the
   * start of that day in UTC; a time without offset is not valid FHIR and is rejected.
   */
  static Instant instant(String text) {
    if (text == null || text == MISSING || text == NULL) {
      return null;
    }
    if (!isText(text)) {
      throw new UnwritableRecordException(RejectReason.INVALID_DATE);
    }
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return FhirInstant.parse(text);
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
