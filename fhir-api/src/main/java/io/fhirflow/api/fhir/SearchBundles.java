package io.fhirflow.api.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import io.fhirflow.api.store.StoredResource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Builds searchset Bundles from stored rows and the links between pages. Entries carry the stored
 * JSON text as user data on an id-only placeholder; {@link StoredJsonBundleWriter} either streams
 * that text as is, or swaps in parsed resources when HAPI must encode the Bundle itself (XML,
 * _elements, ...).
 */
public final class SearchBundles {

  /** User-data key of the stored JSON (UTF-8 bytes) on a placeholder entry resource. */
  public static final String STORED_JSON = "io.fhirflow.api.storedJson";

  /** User-data key marking a Bundle whose entries are placeholders. */
  public static final String HAS_STORED_JSON = "io.fhirflow.api.hasStoredJson";

  /** Parameters that change neither the result set nor the page position. */
  private static final Set<String> PRESENTATION = Set.of("_cursor", "_format", "_pretty");

  private final FhirContext context;

  SearchBundles(FhirContext context) {
    this.context = context;
  }

  Bundle searchset(
      RequestDetails request,
      String resourceType,
      Iterable<StoredResource> rows,
      Optional<String> nextCursor) {
    Bundle b = new Bundle().setType(BundleType.SEARCHSET);
    b.setId(UUID.randomUUID().toString());
    b.getMeta().setLastUpdated(new Date());
    b.addLink().setRelation("self").setUrl(request.getCompleteUrl());
    nextCursor.ifPresent(
        c ->
            b.addLink()
                .setRelation("next")
                .setUrl(
                    pageUrl(
                        request.getFhirServerBase(), resourceType, request.getParameters(), c)));
    addStoredEntries(context, b, request.getFhirServerBase(), resourceType, rows);
    return b;
  }

  /**
   * Adds one placeholder entry per stored row and marks the Bundle for {@link
   * StoredJsonBundleWriter}. A row that is not a JSON object of {@code resourceType} fails the
   * request ({@link UnreadableStoredResourceException}).
   */
  public static void addStoredEntries(
      FhirContext context,
      Bundle b,
      String base,
      String resourceType,
      Iterable<StoredResource> rows) {
    for (StoredResource r : rows) {
      StoredResourceReader.checkShape(resourceType, r.id(), r.jsonUtf8());
      Resource placeholder = (Resource) context.getResourceDefinition(resourceType).newInstance();
      placeholder.setId(new IdType(resourceType, r.id(), Long.toString(r.versionId())));
      placeholder.setUserData(STORED_JSON, r.jsonUtf8());
      b.addEntry()
          .setFullUrl(base + "/" + resourceType + "/" + r.id())
          .setResource(placeholder)
          .getSearch()
          .setMode(SearchEntryMode.MATCH);
    }
    b.setUserData(HAS_STORED_JSON, Boolean.TRUE);
  }

  /** A Bundle with only a total ({@code _summary=count}). */
  static Bundle count(long total) {
    Bundle b =
        new Bundle()
            .setType(BundleType.SEARCHSET)
            .setTotal((int) Math.min(total, Integer.MAX_VALUE));
    b.setId(UUID.randomUUID().toString());
    b.getMeta().setLastUpdated(new Date());
    return b;
  }

  /**
   * The request's parameters that define the result set, in a canonical order: the page cursor's
   * MAC covers them, so a link whose filters were edited is refused.
   */
  static String fingerprint(RequestDetails request) {
    return fingerprint(request.getResourceName(), request.getParameters());
  }

  /**
   * {@link #fingerprint(RequestDetails)} of a search of {@code resourceType} with {@code params}.
   */
  static String fingerprint(String resourceType, Map<String, String[]> params) {
    StringBuilder sb = new StringBuilder(resourceType).append('?');
    canonical(params)
        .forEach(
            (name, values) -> {
              for (String v : values) {
                sb.append(name).append('=').append(v).append('\u001e');
              }
            });
    return sb.toString();
  }

  private static Map<String, String[]> canonical(Map<String, String[]> params) {
    Map<String, String[]> sorted = new TreeMap<>();
    params.forEach(
        (name, values) -> {
          if (!PRESENTATION.contains(name)) {
            String[] copy = values.clone();
            Arrays.sort(copy);
            sorted.put(name, copy);
          }
        });
    return sorted;
  }

  /** The next page's link: {@code base/resourceType?} the canonical parameters and the cursor. */
  static String pageUrl(
      String base, String resourceType, Map<String, String[]> params, String cursor) {
    StringBuilder url = new StringBuilder(base).append('/').append(resourceType).append('?');
    canonical(params)
        .forEach(
            (name, values) -> {
              for (String v : values) {
                url.append(enc(name)).append('=').append(enc(v)).append('&');
              }
            });
    String[] format = params.get("_format");
    if (format != null && format.length > 0) {
      url.append("_format=").append(enc(format[0])).append('&');
    }
    return url.append("_cursor=").append(enc(cursor)).toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
