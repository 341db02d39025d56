package io.fhirflow.api.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.PreferHandlingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry.SearchParamLookupContextEnum;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * FHIR's {@code Prefer: handling} for searches: strict (the default) answers an unknown parameter
 * with 400, lenient drops it and searches with the rest. HAPI's SearchPreferHandlingInterceptor
 * does the same but rebuilds the whole server configuration on every search; the parameter sets
 * here are fixed.
 */
@Interceptor
public final class ParameterHandling {

  private static final Set<String> COMMON =
      Set.of("_count", "_cursor", "_format", "_pretty", "_summary", "_elements", "_sort");

  private static final Set<String> SUMMARY_VALUES =
      Set.of("true", "false", "text", "data", "count");

  /**
   * Each resource type's search parameter names, read once from the server's own method bindings.
   */
  private final Map<String, Set<String>> knownByType = new ConcurrentHashMap<>();

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLER_SELECTED)
  public void filter(RequestDetails request) {
    String type = request.getResourceName();
    if (type == null || !request.getFhirContext().getResourceTypes().contains(type)) {
      return;
    }
    Set<String> known =
        knownByType.computeIfAbsent(
            type,
            t ->
                Set.copyOf(
                    ((RestfulServer) request.getServer())
                        .createConfiguration()
                        .getActiveSearchParams(t, SearchParamLookupContextEnum.ALL)
                        .getSearchParamNames()));
    boolean plainSearch =
        request.getId() == null
            && request.getOperation() == null
            && (request.getRequestType() == RequestTypeEnum.GET
                || request.getRequestType() == RequestTypeEnum.POST);
    if (!plainSearch) {
      return;
    }
    String[] summary = request.getParameters().get("_summary");
    if (summary != null) {
      for (String v : summary) {
        // HAPI ignores a _summary it does not know and returns full resources; refuse instead.
        if (!SUMMARY_VALUES.contains(v)) {
          throw new InvalidRequestException(
              "_summary must be one of "
                  + String.join(", ", new java.util.TreeSet<>(SUMMARY_VALUES)));
        }
      }
    }
    boolean lenient = isLenient(request.getHeader(Constants.HEADER_PREFER));
    Map<String, String[]> kept = null;
    for (String name : request.getParameters().keySet()) {
      int cut = indexOfAny(name);
      String base = cut < 0 ? name : name.substring(0, cut);
      if (known.contains(base) || COMMON.contains(base)) {
        continue;
      }
      if (!lenient) {
        throw new InvalidRequestException(
            "Unknown search parameter "
                + safe(base)
                + " for "
                + request.getResourceName()
                + "; known: "
                + String.join(", ", new java.util.TreeSet<>(known)));
      }
      if (kept == null) {
        kept = new HashMap<>(request.getParameters());
      }
      kept.remove(name);
    }
    if (kept != null) {
      request.setParameters(kept);
    }
  }

  static boolean isLenient(String prefer) {
    if (prefer == null) {
      return false;
    }
    for (String part : prefer.split("[,;]")) {
      String p = part.trim().toLowerCase(Locale.ROOT).replace(" ", "");
      if (p.equals("handling=" + PreferHandlingEnum.LENIENT.getHeaderValue())) {
        return true;
      }
    }
    return false;
  }

  private static int indexOfAny(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) == ':' || name.charAt(i) == '.') {
        return i;
      }
    }
    return -1;
  }

  /** Parameter names are client text: keep them short and printable in the message. */
  private static String safe(String name) {
    String cleaned = name.replaceAll("[^A-Za-z0-9_\\-]", "?");
    return cleaned.length() > 40 ? cleaned.substring(0, 40) + "..." : cleaned;
  }
}
