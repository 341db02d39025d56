package io.fhirflow.stack.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST endpoints that gateways and Confluent clients use, over a
 * {@link SchemaRegistry}. Errors answer with Confluent's {@code {"error_code":..,"message":..}}.
 */
final class RegistryHttpHandler implements HttpHandler {

  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private final SchemaRegistry registry;

  RegistryHttpHandler(SchemaRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        Object body =
            route(exchange.getRequestMethod(), segments(exchange), query(exchange), exchange);
        if (body instanceof RawSchema raw) {
          send(exchange, 200, raw.json());
        } else {
          send(exchange, 200, JSON.writeValueAsString(body));
        }
      } catch (RegistryException e) {
        LOG.debug(
            "{} {} -> {} {}",
            exchange.getRequestMethod(),
            exchange.getRequestURI().getPath(),
            e.httpStatus(),
            e.errorCode());
        ObjectNode error =
            JSON.createObjectNode().put("error_code", e.errorCode()).put("message", e.getMessage());
        send(exchange, e.httpStatus(), error.toString());
      } catch (RuntimeException e) {
        LOG.warn(
            "request failed: {} {}", exchange.getRequestMethod(), e.getClass().getSimpleName());
        ObjectNode error =
            JSON.createObjectNode()
                .put("error_code", 50001)
                .put("message", "Error in the backend data store");
        send(exchange, 500, error.toString());
      }
    }
  }

  /** A schema returned as its own JSON document (the {@code .../schema} endpoints). */
  private record RawSchema(String json) {}

  private Object route(
      String method, List<String> path, Map<String, String> query, HttpExchange exchange)
      throws IOException {
    int n = path.size();
    String first = n > 0 ? path.get(0) : "";
    switch (first) {
      case "":
        if (n == 0 && method.equals("GET")) {
          return Map.of();
        }
        break;
      case "subjects":
        if (n == 1 && method.equals("GET")) {
          return registry.subjects();
        }
        if (n == 2 && method.equals("POST")) {
          SchemaRegistry.Version v = registry.lookup(path.get(1), schemaOf(exchange));
          return versionJson(v);
        }
        if (n == 3 && path.get(2).equals("versions") && method.equals("GET")) {
          return registry.versions(path.get(1));
        }
        if (n == 3 && path.get(2).equals("versions") && method.equals("POST")) {
          return Map.of("id", registry.register(path.get(1), schemaOf(exchange)));
        }
        if (n == 4 && path.get(2).equals("versions") && method.equals("GET")) {
          return versionJson(registry.version(path.get(1), path.get(3)));
        }
        if (n == 5
            && path.get(2).equals("versions")
            && path.get(4).equals("schema")
            && method.equals("GET")) {
          return new RawSchema(registry.version(path.get(1), path.get(3)).schema());
        }
        break;
      case "schemas":
        if (n == 2 && path.get(1).equals("types") && method.equals("GET")) {
          return List.of("AVRO");
        }
        if (n >= 3 && path.get(1).equals("ids") && method.equals("GET")) {
          String schema = registry.schemaById(schemaId(path.get(2)));
          if (n == 3) {
            return Map.of("schema", schema);
          }
          if (n == 4 && path.get(3).equals("schema")) {
            return new RawSchema(schema);
          }
        }
        break;
      case "compatibility":
        if (n >= 4
            && path.get(1).equals("subjects")
            && path.get(3).equals("versions")
            && method.equals("POST")
            && n <= 5) {
          String version = n == 5 ? path.get(4) : null;
          List<String> problems =
              registry.incompatibilities(path.get(2), version, schemaOf(exchange));
          ObjectNode result = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
          if ("true".equals(query.get("verbose"))) {
            problems.forEach(result.putArray("messages")::add);
          }
          return result;
        }
        break;
      case "config":
        return config(method, path, query, exchange);
      case "mode":
        if (method.equals("GET")) {
          return Map.of("mode", "READWRITE");
        }
        break;
      default:
        break;
    }
    throw RegistryException.notFound(exchange.getRequestURI().getPath());
  }

  private Object config(
      String method, List<String> path, Map<String, String> query, HttpExchange exchange)
      throws IOException {
    if (path.size() == 1) {
      if (method.equals("GET")) {
        return Map.of("compatibilityLevel", registry.globalLevel().name());
      }
      if (method.equals("PUT")) {
        CompatibilityLevel level = levelOf(exchange);
        registry.setGlobalLevel(level);
        return Map.of("compatibility", level.name());
      }
    } else if (path.size() == 2) {
      String subject = path.get(1);
      switch (method) {
        case "GET":
          CompatibilityLevel level =
              registry
                  .subjectLevel(subject)
                  .or(
                      () ->
                          "true".equals(query.get("defaultToGlobal"))
                              ? Optional.of(registry.globalLevel())
                              : Optional.empty())
                  .orElseThrow(() -> RegistryException.subjectLevelNotConfigured(subject));
          return Map.of("compatibilityLevel", level.name());
        case "PUT":
          CompatibilityLevel newLevel = levelOf(exchange);
          registry.setSubjectLevel(subject, newLevel);
          return Map.of("compatibility", newLevel.name());
        case "DELETE":
          return Map.of("compatibilityLevel", registry.deleteSubjectLevel(subject).name());
        default:
          break;
      }
    }
    throw RegistryException.notFound(exchange.getRequestURI().getPath());
  }

  private static ObjectNode versionJson(SchemaRegistry.Version v) {
    // Confluent leaves schemaType out for AVRO, the only type this registry holds.
    return JSON.createObjectNode()
        .put("subject", v.subject())
        .put("version", v.version())
        .put("id", v.id())
        .put("schema", v.schema());
  }

  /**
   * The {@code schema} of a register/lookup/compatibility body; only self-contained Avro schemas.
   */
  private static String schemaOf(HttpExchange exchange) throws IOException {
    JsonNode body = body(exchange);
    String type = body.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw RegistryException.invalidSchema(
          "this development registry holds AVRO schemas only, not " + type);
    }
    if (body.path("references").size() > 0) {
      throw RegistryException.invalidSchema(
          "schema references are not supported by this development registry");
    }
    JsonNode schema = body.get("schema");
    if (schema == null || !schema.isTextual()) {
      throw RegistryException.invalidSchema("the body has no \"schema\" string");
    }
    return schema.asText();
  }

  private static CompatibilityLevel levelOf(HttpExchange exchange) throws IOException {
    JsonNode body = body(exchange);
    JsonNode level =
        body.has("compatibility") ? body.get("compatibility") : body.get("compatibilityLevel");
    if (level == null || !level.isTextual()) {
      throw RegistryException.invalidCompatibilityLevel(null);
    }
    return CompatibilityLevel.parse(level.asText());
  }

  private static JsonNode body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw RegistryException.badRequest("request body larger than " + MAX_BODY_BYTES + " bytes");
      }
      JsonNode node = JSON.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw RegistryException.badRequest("the request body is not a JSON object");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw RegistryException.badRequest("the request body is not valid JSON");
    }
  }

  private static int schemaId(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw RegistryException.schemaNotFound();
    }
  }

  /** Path segments, each percent-decoded on its own so a subject may contain an encoded '/'. */
  private static List<String> segments(HttpExchange exchange) {
    String raw = exchange.getRequestURI().getRawPath();
    return Arrays.stream(raw.split("/"))
        .filter(s -> !s.isEmpty())
        .map(s -> URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8))
        .toList();
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> query = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        query.put(
            URLDecoder.decode(key, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
    }
    return query;
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
