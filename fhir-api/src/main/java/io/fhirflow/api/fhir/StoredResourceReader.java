package io.fhirflow.api.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import io.fhirflow.api.store.StoredResource;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Turns stored rows into resources, refusing any row that is not a resource of the expected type
 * ({@link UnreadableStoredResourceException}). Parsing is strict: HAPI's default lenient parser
 * drops a wrongly typed element with a warning that quotes it, so a damaged row would be served
 * silently incomplete and its content would reach the log.
 */
public final class StoredResourceReader {

  private final IParser parser;

  public StoredResourceReader(FhirContext context) {
    this.parser = context.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
  }

  /** Parses one stored row into a resource carrying the row's version as its id version. */
  public Resource parse(String resourceType, StoredResource r) {
    Resource resource = parse(resourceType, r.id(), r.json());
    resource.setId(new IdType(resourceType, r.id(), Long.toString(r.versionId())));
    resource.getMeta().setVersionId(Long.toString(r.versionId()));
    resource.getMeta().setLastUpdated(Date.from(r.lastUpdated()));
    return resource;
  }

  /** Parses stored JSON text that must be a {@code resourceType}. */
  public Resource parse(String resourceType, String id, String json) {
    try {
      if (parser.parseResource(json) instanceof Resource resource
          && resource.fhirType().equals(resourceType)) {
        return resource;
      }
    } catch (DataFormatException | ClassCastException e) {
      // reported below, without the parser's message: it quotes the stored text
    }
    throw new UnreadableStoredResourceException(resourceType, id);
  }

  /**
   * The check a row gets when its text is copied into a response unparsed: a JSON object naming the
   * expected resourceType. The text comes from a jsonb column, so it is valid JSON; this is a byte
   * scan, not a parse (the streamed page exists to avoid one).
   */
  public static void checkShape(String resourceType, String id, byte[] json) {
    if (json.length < 2
        || json[0] != '{'
        || json[json.length - 1] != '}'
        || !namesType(json, resourceType)) {
      throw new UnreadableStoredResourceException(resourceType, id);
    }
  }

  private static final String RESOURCE_TYPE_KEY = "\"resourceType\"";

  /**
   * Whether {@code "resourceType"}, a colon and {@code "<type>"} follow each other (any JSON
   * whitespace between), at the key's first occurrence that a colon follows.
   *
   * <p>The bytes are searched as an ISO-8859-1 string, one char a byte, so that the search is the
   * JDK's vectorised {@code String.indexOf}: jsonb's text puts {@code resourceType} after the
   * shorter keys, ~650 bytes into a heart rate, and a byte-by-byte loop over each row of a page was
   * 17 % of the API's CPU on the benchmark query (BENCHMARKS.md, "FHIR API"). Multi-byte UTF-8
   * characters become chars above 0x7F, which the ASCII key and type cannot match.
   */
  private static boolean namesType(byte[] json, String resourceType) {
    String text = new String(json, StandardCharsets.ISO_8859_1);
    for (int at = text.indexOf(RESOURCE_TYPE_KEY);
        at >= 0;
        at = text.indexOf(RESOURCE_TYPE_KEY, at + 1)) {
      int i = skipSpace(json, at + RESOURCE_TYPE_KEY.length());
      if (i < json.length && json[i] == ':') {
        i = skipSpace(json, i + 1);
        return text.startsWith("\"" + resourceType + "\"", i);
      }
    }
    return false;
  }

  private static int skipSpace(byte[] json, int from) {
    int i = from;
    while (i < json.length
        && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t')) {
      i++;
    }
    return i;
  }
}
