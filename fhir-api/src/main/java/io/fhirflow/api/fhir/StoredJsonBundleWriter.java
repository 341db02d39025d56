package io.fhirflow.api.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

  /** The content type of a streamed page (the lean search path sends the same). */
  static final String CONTENT_TYPE = "application/fhir+json;charset=utf-8";

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
      servletResponse.setContentType(CONTENT_TYPE);
      ByteArrayOutputStream body = page(bundle);
      servletResponse.setContentLength(body.size());
      body.writeTo(servletResponse.getOutputStream());
      return false;
    }
    inflate(bundle);
    return true;
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
    page(bundle).writeTo(out);
  }

  private static ByteArrayOutputStream page(Bundle bundle) throws IOException {
    List<SearchsetJson.Link> links = new ArrayList<>(bundle.getLink().size());
    for (BundleLinkComponent l : bundle.getLink()) {
      links.add(new SearchsetJson.Link(l.getRelation(), l.getUrl()));
    }
    List<SearchsetJson.Entry> entries = new ArrayList<>(bundle.getEntry().size());
    for (BundleEntryComponent e : bundle.getEntry()) {
      entries.add(new SearchsetJson.Entry(e.getFullUrl(), storedJson(e)));
    }
    return SearchsetJson.page(
        bundle.getIdElement().getIdPart(),
        bundle.getMeta().getLastUpdatedElement().getValueAsString(),
        links,
        entries);
  }
}
