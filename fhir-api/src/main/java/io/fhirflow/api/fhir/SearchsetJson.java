package io.fhirflow.api.fhir;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * The bytes of a searchset Bundle whose entries are stored JSON, copied in verbatim. The one writer
 * of both paths that answer a search with stored rows: HAPI's ({@link StoredJsonBundleWriter}) and
 * the lean one ({@link ObservationSearchFilter}), so the two cannot drift apart.
 */
final class SearchsetJson {

  /** A Bundle.link. */
  record Link(String relation, String url) {}

  /** A Bundle.entry: its fullUrl and the stored resource's UTF-8 JSON. */
  record Entry(String fullUrl, byte[] json) {}

  private static final JsonFactory JSON = new JsonFactory();

  private SearchsetJson() {}

  /**
   * The page in one array: sent with a Content-Length in one write, cheaper for Jetty than several
   * 8 KB chunked flushes from Jackson's buffer.
   */
  static ByteArrayOutputStream page(
      String id, String lastUpdated, List<Link> links, List<Entry> entries) throws IOException {
    int size = 1024;
    for (Entry e : entries) {
      size += 256 + e.json().length;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream(size);
    write(body, id, lastUpdated, links, entries);
    return body;
  }

  static void write(
      OutputStream out, String id, String lastUpdated, List<Link> links, List<Entry> entries)
      throws IOException {
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("resourceType", "Bundle");
      g.writeStringField("id", id);
      g.writeObjectFieldStart("meta");
      g.writeStringField("lastUpdated", lastUpdated);
      g.writeEndObject();
      g.writeStringField("type", "searchset");
      if (!links.isEmpty()) {
        g.writeArrayFieldStart("link");
        for (Link l : links) {
          g.writeStartObject();
          g.writeStringField("relation", l.relation());
          g.writeStringField("url", l.url());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      if (!entries.isEmpty()) {
        g.writeArrayFieldStart("entry");
        for (Entry e : entries) {
          g.writeStartObject();
          g.writeStringField("fullUrl", e.fullUrl());
          g.writeFieldName("resource");
          // The sink stored this text as jsonb; PostgreSQL returns it as valid, compact JSON, and
          // its UTF-8 bytes go to the response as they came off the socket.
          g.writeRawValue(new RawUtf8(e.json()));
          g.writeObjectFieldStart("search");
          g.writeStringField("mode", "match");
          g.writeEndObject();
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
  }
}
