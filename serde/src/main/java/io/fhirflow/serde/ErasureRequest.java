package io.fhirflow.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirflow.contracts.FhirId;
import io.fhirflow.contracts.Tenants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;

/**
 * A request to erase a person: the value of a record on the erasure topic ({@code
 * PipelineTopic.ERASURE}), keyed by the same user id. UTF-8 JSON, so platform tooling in any
 * language (or a console producer) can write one:
 *
 * <pre>
 * {"requestId":"8d1c…","userId":"user-42","requestedBy":"dpo@example.org","requestedAt":"2026-12-05T16:00:00Z"}
 * </pre>
 *
 * <p>{@code requestId} names the request (the key of its AuditEvent, and the header {@code
 * fhirflow.erasureRequestId} on every record the erasure writes); {@code requestedBy} is who asked
 * (a person or a system, as the platform names them); {@code requestedAt} an ISO-8601 instant.
 * {@code tenant} names the person's tenant ({@code Tenants}; absent = the default tenant): the
 * erasure topic is written by the platform's operators, never by a tenant's gateway, so the tenant
 * may be a field here. Unknown fields are ignored, so later versions may add some.
 *
 * @param requestId a FHIR id ({@link io.fhirflow.contracts.FhirId}: 1-64 characters of {@code
 *     [A-Za-z0-9.-]}) (it becomes the AuditEvent's id)
 */
public record ErasureRequest(
    String requestId, String userId, String requestedBy, Instant requestedAt, String tenant) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_TEXT = 256;

  public ErasureRequest {
    if (!FhirId.isValid(requestId)) {
      throw new IllegalArgumentException("requestId must be 1-64 characters of [A-Za-z0-9.-]");
    }
    if (userId == null || userId.isEmpty() || userId.length() > MAX_TEXT) {
      throw new IllegalArgumentException("userId must be 1-" + MAX_TEXT + " characters");
    }
    if (requestedBy == null || requestedBy.isBlank() || requestedBy.length() > MAX_TEXT) {
      throw new IllegalArgumentException("requestedBy must be 1-" + MAX_TEXT + " characters");
    }
    if (requestedAt == null) {
      throw new IllegalArgumentException("requestedAt is required");
    }
    Tenants.requireValid(tenant);
  }

  /** A new request of the default tenant with a random id, made now. */
  public static ErasureRequest of(String userId, String requestedBy, Instant now) {
    return of(Tenants.DEFAULT, userId, requestedBy, now);
  }

  /** A new request with a random id, made now. */
  public static ErasureRequest of(String tenant, String userId, String requestedBy, Instant now) {
    return new ErasureRequest(UUID.randomUUID().toString(), userId, requestedBy, now, tenant);
  }

  public byte[] toJson() {
    ObjectNode node =
        JSON.createObjectNode()
            .put("requestId", requestId)
            .put("userId", userId)
            .put("requestedBy", requestedBy)
            .put("requestedAt", requestedAt.toString())
            .put("tenant", tenant);
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of five strings always encodes", e);
    }
  }

  /**
   * The request in {@code value}, or empty when it is not one (not JSON, a field missing or
   * invalid, or its user id differs from the record key {@code key}: a request must land in the
   * partition of the person it erases).
   */
  public static Optional<ErasureRequest> parse(byte[] key, byte[] value) {
    if (key == null || value == null) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(value);
      if (node == null || !node.isObject()) {
        return Optional.empty();
      }
      ErasureRequest request =
          new ErasureRequest(
              text(node, "requestId"),
              text(node, "userId"),
              text(node, "requestedBy"),
              Instant.parse(String.valueOf(text(node, "requestedAt"))),
              node.has("tenant") ? text(node, "tenant") : Tenants.DEFAULT);
      if (!request.userId().equals(new String(key, StandardCharsets.UTF_8))) {
        return Optional.empty();
      }
      return Optional.of(request);
    } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }
}
