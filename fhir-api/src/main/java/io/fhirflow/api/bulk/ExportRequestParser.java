package io.fhirflow.api.bulk;

import io.fhirflow.api.security.AccessToken;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a kick-off request into an {@link ExportRequest}, or refuses it as the Bulk Data Access IG
 * asks: {@code Prefer: respond-async} required, only NDJSON (the IG's three spellings), {@code
 * _since}/{@code _until} as FHIR instants, {@code _type} limited to the types this store holds and
 * the token may read. Parameters the server does not implement are refused (400) unless {@code
 * Prefer: handling=lenient}, so a client never believes a filter was applied when it was not.
 */
public final class ExportRequestParser {

  /** What the store holds, in the order files are written. */
  public static final List<String> SUPPORTED_TYPES = List.of("Patient", "Device", "Observation");

  static final Set<String> NDJSON =
      Set.of("application/fhir+ndjson", "application/ndjson", "ndjson");
  private static final Set<String> KNOWN = Set.of("_type", "_since", "_until", "_outputFormat");

  private ExportRequestParser() {}

  public static ExportRequest parse(
      ExportLevel level,
      Optional<String> pathPatient,
      Map<String, String[]> params,
      String prefer,
      String accept,
      AccessToken token,
      String requestUrl) {
    Set<String> preferences = preferences(prefer);
    if (!preferences.contains("respond-async")) {
      throw new BulkRequestException(
          400, "invalid", "$export is asynchronous: send the header Prefer: respond-async");
    }
    if (accept != null
        && !accept.isBlank()
        && !accept.contains("application/fhir+json")
        && !accept.contains("*/*")
        && !accept.contains("application/json")) {
      throw new BulkRequestException(
          400, "invalid", "$export answers with application/fhir+json (Accept)");
    }
    boolean lenient = preferences.contains("handling=lenient");
    for (String name : params.keySet()) {
      if (!KNOWN.contains(name) && !lenient) {
        throw new BulkRequestException(
            400,
            "not-supported",
            "Parameter '"
                + safeName(name)
                + "' is not supported by $export here; supported: _type, _since, _until, _outputFormat");
      }
    }
    // An unencoded '+' in a query string decodes to a space: accept "application/fhir ndjson" as
    // what was meant.
    String format =
        single(params, "_outputFormat").orElse("application/fhir+ndjson").replace(' ', '+');
    if (!NDJSON.contains(format.toLowerCase(Locale.ROOT))) {
      throw new BulkRequestException(
          400,
          "not-supported",
          "_outputFormat must be application/fhir+ndjson (or application/ndjson, ndjson): only NDJSON is written");
    }
    Optional<Instant> since = single(params, "_since").map(v -> instant("_since", v));
    Optional<Instant> until = single(params, "_until").map(v -> instant("_until", v));
    if (since.isPresent() && until.isPresent() && !since.get().isBefore(until.get())) {
      throw new BulkRequestException(400, "invalid", "_since must be before _until");
    }
    List<String> types = types(params, token);
    Optional<String> patient = token.confinedTo().isPresent() ? token.confinedTo() : pathPatient;
    return new ExportRequest(level, patient, types, since, until, requestUrl);
  }

  private static List<String> types(Map<String, String[]> params, AccessToken token) {
    String[] given = params.get("_type");
    if (given == null) {
      List<String> allowed = SUPPORTED_TYPES.stream().filter(token::allowsExport).toList();
      if (allowed.isEmpty()) {
        throw new BulkRequestException(
            403,
            "forbidden",
            token.confinedTo().isPresent()
                ? "The token's scopes allow reading none of the exported resource types"
                : "An export without a patient claim needs system/ scopes (SMART Backend Services), e.g. system/*.rs");
      }
      return allowed;
    }
    Set<String> asked = new LinkedHashSet<>();
    for (String v : given) {
      Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(asked::add);
    }
    if (asked.isEmpty()) {
      throw new BulkRequestException(400, "invalid", "_type names no resource type");
    }
    List<String> types = new ArrayList<>();
    for (String t : SUPPORTED_TYPES) {
      if (asked.remove(t)) {
        if (!token.allowsExport(t)) {
          throw new BulkRequestException(
              403,
              "forbidden",
              token.confinedTo().isPresent()
                  ? "The token's scopes do not allow reading " + t
                  : "Exporting "
                      + t
                      + " without a patient claim needs a system/ scope, e.g. system/"
                      + t
                      + ".rs");
        }
        types.add(t);
      }
    }
    if (!asked.isEmpty()) {
      String first = asked.iterator().next();
      throw new BulkRequestException(
          400,
          "not-supported",
          "_type "
              + safeName(first)
              + " is not held by this server; supported: "
              + String.join(", ", SUPPORTED_TYPES));
    }
    return types;
  }

  private static Instant instant(String name, String value) {
    try {
      // A FHIR instant carries a time zone; a date alone is too vague for an incremental export.
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new BulkRequestException(
          400, "invalid", name + " must be a FHIR instant such as 2026-11-20T00:00:00Z");
    }
  }

  private static Optional<String> single(Map<String, String[]> params, String name) {
    String[] v = params.get(name);
    if (v == null || v.length == 0) {
      return Optional.empty();
    }
    if (v.length > 1) {
      throw new BulkRequestException(400, "invalid", name + " may be given once");
    }
    return Optional.of(v[0].trim());
  }

  private static Set<String> preferences(String prefer) {
    Set<String> s = new LinkedHashSet<>();
    if (prefer != null) {
      for (String p : prefer.split(",")) {
        s.add(p.trim().toLowerCase(Locale.ROOT).replace(" ", ""));
      }
    }
    return s;
  }

  /**
   * Parameter names and type names are echoed only if they look like names (never a value someone
   * pasted).
   */
  private static String safeName(String name) {
    return name.matches("[A-Za-z_:.\\-]{1,64}") ? name : "(unprintable)";
  }
}
