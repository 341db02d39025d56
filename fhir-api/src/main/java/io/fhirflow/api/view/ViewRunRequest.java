package io.fhirflow.api.view;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhirflow.api.bulk.BulkRequestException;
import io.fhirflow.contracts.FhirId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inputs of one {@code $run} / {@code $viewdefinition-run}, from a Parameters body (POST) or
 * the query string (GET): the view (inline {@code viewResource}, a {@code viewReference}, or the
 * instance in the path), output format, CSV header, patient, {@code _limit}, {@code _since}, and
 * inline {@code resource}s to run over instead of the store. Unsupported parameters ({@code group},
 * {@code source}) are refused rather than ignored.
 */
record ViewRunRequest(
    Optional<JsonNode> viewResource,
    Optional<String> viewReference,
    Optional<RowWriter.Format> format,
    boolean header,
    Optional<String> patient,
    Optional<Integer> limit,
    Optional<Instant> since,
    List<JsonNode> resources) {

  static ViewRunRequest fromQuery(Map<String, String[]> params) {
    for (String name : params.keySet()) {
      if (!List.of("_format", "header", "patient", "_limit", "_since").contains(name)) {
        throw invalid(
            "Parameter '"
                + safe(name)
                + "' is not supported by $run with GET (viewResource and resource need POST)");
      }
    }
    return new ViewRunRequest(
        Optional.empty(),
        Optional.empty(),
        first(params, "_format").map(ViewRunRequest::format),
        first(params, "header").map(Boolean::parseBoolean).orElse(true),
        first(params, "patient").map(ViewRunRequest::patient),
        first(params, "_limit").map(ViewRunRequest::limit),
        first(params, "_since").map(ViewRunRequest::instant),
        List.of());
  }

  static ViewRunRequest fromParameters(JsonNode body) {
    if (body == null || !"Parameters".equals(body.path("resourceType").asText())) {
      throw invalid("POST $run takes a Parameters resource");
    }
    JsonNode view = null;
    String reference = null;
    RowWriter.Format format = null;
    boolean header = true;
    String patient = null;
    Integer limit = null;
    Instant since = null;
    List<JsonNode> resources = new ArrayList<>();
    for (JsonNode p : body.path("parameter")) {
      String name = p.path("name").asText();
      switch (name) {
        case "viewResource" -> view = p.get("resource");
        case "viewReference" ->
            reference =
                p.path("valueReference")
                    .path("reference")
                    .asText(p.path("valueCanonical").asText(null));
        case "_format" ->
            format = format(p.path("valueCode").asText(p.path("valueString").asText("")));
        case "header" -> header = p.path("valueBoolean").asBoolean(true);
        case "patient" ->
            patient =
                patient(
                    p.path("valueReference")
                        .path("reference")
                        .asText(p.path("valueString").asText("")));
        case "_limit" ->
            limit = limit(p.path("valueInteger").asText(p.path("valuePositiveInt").asText("")));
        case "_since" ->
            since = instant(p.path("valueInstant").asText(p.path("valueDateTime").asText("")));
        case "resource" -> {
          if (p.get("resource") == null) {
            throw invalid("A resource parameter must hold a resource");
          }
          resources.add(p.get("resource"));
        }
        default -> throw invalid("Parameter '" + safe(name) + "' is not supported by $run here");
      }
    }
    if (view != null && reference != null) {
      throw invalid("Give viewResource or viewReference, not both");
    }
    return new ViewRunRequest(
        Optional.ofNullable(view),
        Optional.ofNullable(reference),
        Optional.ofNullable(format),
        header,
        Optional.ofNullable(patient),
        Optional.ofNullable(limit),
        Optional.ofNullable(since),
        resources);
  }

  private static Optional<String> first(Map<String, String[]> params, String name) {
    String[] v = params.get(name);
    return v == null || v.length == 0 ? Optional.empty() : Optional.of(v[0]);
  }

  private static RowWriter.Format format(String text) {
    RowWriter.Format f = RowWriter.Format.parse(text);
    if (f == null) {
      throw invalid("_format must be json, ndjson or csv");
    }
    return f;
  }

  private static String patient(String reference) {
    String id =
        reference.startsWith("Patient/") ? reference.substring("Patient/".length()) : reference;
    if (!FhirId.isValid(id)) {
      throw invalid("patient must be Patient/[id]");
    }
    return id;
  }

  private static int limit(String text) {
    try {
      int n = Integer.parseInt(text.trim());
      if (n < 1) {
        throw invalid("_limit must be a positive integer");
      }
      return n;
    } catch (NumberFormatException e) {
      throw invalid("_limit must be a positive integer");
    }
  }

  private static Instant instant(String text) {
    try {
      return OffsetDateTime.parse(text.trim()).toInstant();
    } catch (DateTimeParseException e) {
      throw invalid("_since must be a FHIR instant such as 2026-11-20T00:00:00Z");
    }
  }

  private static BulkRequestException invalid(String message) {
    return new BulkRequestException(400, "invalid", message);
  }

  private static String safe(String name) {
    return name.matches("[A-Za-z_\\-]{1,64}") ? name : "(unprintable)";
  }
}
