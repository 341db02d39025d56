package io.fhirflow.api.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleLinkComponent;
import org.hl7.fhir.r4.model.Resource;

/**
 * Writes search Bundles whose entries are stored JSON. The common case (JSON, no
 * _elements/_summary/ _pretty) is streamed: the Bundle shell is written with Jackson and each
 * entry's stored text is copied in verbatim, so a 100-entry page costs no FHIR parse or encode at
 * all (see BENCHMARKS.md, "FHIR API"). Anything else gets the entries parsed and HAPI's normal
 * encoder, so XML and element filters keep working.
 */
@Interceptor
public final class StoredJsonBundleWriter {

  private static final JsonFactory JSON = new JsonFactory();
  private static final Set<String> NEEDS_HAPI =
      Set.of("_elements", "_summary", "_pretty", "_narrative");

  private final StoredResourceReader reader;
  private final boolean streamingEnabled;

  public StoredJsonBundleWriter(StoredResourceReader reader, boolean streamingEnabled) {
    this.reader = reader;
    this.streamingEnabled = streamingEnabled;
  }

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public boolean write(
      RequestDetails request, ResponseDetails response, HttpServletResponse servletResponse)
      throws IOException {
    if (!(response.getResponseResource() instanceof Bundle bundle)
        || bundle.getUserData(SearchBundles.HAS_STORED_JSON) == null) {
      return true;
    }
    if (streamingEnabled && canStream(request)) {
      servletResponse.setStatus(HttpServletResponse.SC_OK);
      servletResponse.setContentType("application/fhir+json;charset=utf-8");
      // The page (~100 KB) is assembled in one array and sent with a Content-Length in one write:
      // cheaper
      // for Jetty than several 8 KB chunked flushes from Jackson's buffer.
      ByteArrayOutputStream body = new ByteArrayOutputStream(sizeHint(bundle));
      writeStreamed(bundle, body);
      servletResponse.setContentLength(body.size());
      body.writeTo(servletResponse.getOutputStream());
      return false;
    }
    inflate(bundle);
    return true;
  }

  private static int sizeHint(Bundle bundle) {
    int size = 1024;
    for (BundleEntryComponent e : bundle.getEntry()) {
      byte[] json = storedJson(e);
      size += 256 + (json == null ? 0 : json.length);
    }
    return size;
  }

  /** Replaces each placeholder entry by the parsed stored resource, for HAPI's own encoders. */
  public void inflate(Bundle bundle) {
    for (BundleEntryComponent e : bundle.getEntry()) {
      byte[] json = storedJson(e);
      if (json != null) {
        Resource placeholder = e.getResource();
        Resource parsed =
            reader.parse(
                placeholder.fhirType(),
                placeholder.getIdElement().getIdPart(),
                new String(json, StandardCharsets.UTF_8));
        parsed.setId(placeholder.getIdElement());
        parsed.getMeta().setVersionId(placeholder.getIdElement().getVersionIdPart());
        e.setResource(parsed);
      }
    }
  }

  private static boolean canStream(RequestDetails request) {
    Map<String, String[]> params = request.getParameters();
    for (String p : NEEDS_HAPI) {
      if (params.containsKey(p)) {
        return false;
      }
    }
    RestfulServerUtils.ResponseEncoding encoding =
        RestfulServerUtils.determineResponseEncodingNoDefault(request, EncodingEnum.JSON);
    return encoding == null || encoding.getEncoding() == EncodingEnum.JSON;
  }

  /**
   * The stored resource's UTF-8 JSON on a placeholder entry (SearchBundles), or null on any other
   * entry.
   */
  private static byte[] storedJson(BundleEntryComponent e) {
    return e.getResource() == null
        ? null
        : (byte[]) e.getResource().getUserData(SearchBundles.STORED_JSON);
  }

  /** Writes a Bundle of placeholder entries as JSON, copying each entry's stored text verbatim. */
  public static void writeStreamed(Bundle bundle, OutputStream out) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("resourceType", "Bundle");
      g.writeStringField("id", bundle.getIdElement().getIdPart());
      g.writeObjectFieldStart("meta");
      g.writeStringField(
          "lastUpdated", bundle.getMeta().getLastUpdatedElement().getValueAsString());
      g.writeEndObject();
      g.writeStringField("type", "searchset");
      if (!bundle.getLink().isEmpty()) {
        g.writeArrayFieldStart("link");
        for (BundleLinkComponent l : bundle.getLink()) {
          g.writeStartObject();
          g.writeStringField("relation", l.getRelation());
          g.writeStringField("url", l.getUrl());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      if (!bundle.getEntry().isEmpty()) {
        g.writeArrayFieldStart("entry");
        for (BundleEntryComponent e : bundle.getEntry()) {
          g.writeStartObject();
          g.writeStringField("fullUrl", e.getFullUrl());
          g.writeFieldName("resource");
          // The sink stored this text as jsonb; PostgreSQL returns it as valid, compact JSON, and
          // its
          // UTF-8 bytes go to the response as they came off the socket.
          g.writeRawValue(new RawUtf8(storedJson(e)));
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
