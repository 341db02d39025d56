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

  private static final byte[] RESOURCE_TYPE_KEY =
      "\"resourceType\"".getBytes(StandardCharsets.UTF_8);

  /**
   * Whether {@code "resourceType"}, a colon and {@code "<type>"} follow each other (any JSON
   * whitespace between).
   */
  private static boolean namesType(byte[] json, String resourceType) {
    byte[] value = ("\"" + resourceType + "\"").getBytes(StandardCharsets.UTF_8);
    for (int at = indexOf(json, RESOURCE_TYPE_KEY, 0);
        at >= 0;
        at = indexOf(json, RESOURCE_TYPE_KEY, at + 1)) {
      int i = skipSpace(json, at + RESOURCE_TYPE_KEY.length);
      if (i < json.length && json[i] == ':') {
        i = skipSpace(json, i + 1);
        return indexOf(json, value, i) == i;
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

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
