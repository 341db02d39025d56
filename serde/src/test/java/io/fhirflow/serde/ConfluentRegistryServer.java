package io.fhirflow.serde;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.apache.avro.Schema;

/**
 * A real HTTP peer for the REST client: the five Confluent Schema Registry endpoints the serde
 * calls, with Confluent's media type, JSON shapes, error bodies and basic auth, over the in-memory
 * registry's logic. Counts requests per "METHOD path" so tests can prove caching.
 */
final class ConfluentRegistryServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";

  private final HttpServer server;
  private final String scheme;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final MockSchemaRegistryClient registry = new MockSchemaRegistryClient();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final String expectedAuthorization;
  private final CountDownLatch hold = new CountDownLatch(1);
  private volatile boolean stalled;

  /**
   * @param userInfo {@code user:password} the server demands, or null for no authentication
   */
  ConfluentRegistryServer(String userInfo) throws IOException {
    this(userInfo, null, false);
  }

  /**
   * @param tls serve https with this context (null: plain http)
   * @param needClientCertificate demand a client certificate (mutual TLS)
   */
  ConfluentRegistryServer(String userInfo, SSLContext tls, boolean needClientCertificate)
      throws IOException {
    this.expectedAuthorization =
        userInfo == null
            ? null
            : "Basic "
                + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    this.scheme = tls == null ? "http" : "https";
    if (tls == null) {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } else {
      HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      https.setHttpsConfigurator(
          new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
              SSLParameters parameters = tls.getDefaultSSLParameters();
              parameters.setNeedClientAuth(needClientCertificate);
              params.setSSLParameters(parameters);
            }
          });
      server = https;
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  MockSchemaRegistryClient registry() {
    return registry;
  }

  /** How many requests arrived for {@code "GET /schemas/ids/1"} and the like. */
  int requests(String methodAndPath) {
    return requests.getOrDefault(methodAndPath, new AtomicInteger()).get();
  }

  int totalRequests() {
    return requests.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** From now on requests are accepted but never answered (until close), to exercise timeouts. */
  void stall() {
    stalled = true;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String[] path = exchange.getRequestURI().getRawPath().substring(1).split("/");
      for (int i = 0; i < path.length; i++) {
        path[i] = URLDecoder.decode(path[i], StandardCharsets.UTF_8);
      }
      requests
          .computeIfAbsent(method + " /" + String.join("/", path), k -> new AtomicInteger())
          .incrementAndGet();
      if (stalled) {
        hold.await();
        return;
      }
      if (expectedAuthorization != null
          && !expectedAuthorization.equals(
              exchange.getRequestHeaders().getFirst("Authorization"))) {
        error(exchange, 401, 40101, "Unauthorized");
        return;
      }
      if ("POST".equals(method)
          && !MEDIA_TYPE.equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
        error(exchange, 415, 415, "HTTP 415 Unsupported Media Type");
        return;
      }
      try {
        answer(exchange, route(method, path, exchange));
      } catch (SchemaRegistryException e) {
        error(exchange, e.status(), e.errorCode(), e.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ObjectNode route(String method, String[] path, HttpExchange exchange) throws IOException {
    ObjectNode out = JSON.createObjectNode();
    if (method.equals("GET")
        && path.length == 3
        && path[0].equals("schemas")
        && path[1].equals("ids")) {
      return out.put("schema", registry.schemaById(Integer.parseInt(path[2])).toString());
    }
    if (method.equals("GET")
        && path.length == 4
        && path[0].equals("subjects")
        && path[3].equals("latest")) {
      return version(registry.latestVersion(path[1]));
    }
    if (method.equals("POST")
        && path.length == 3
        && path[0].equals("subjects")
        && path[2].equals("versions")) {
      return out.put("id", registry.register(path[1], schemaIn(exchange)));
    }
    if (method.equals("POST") && path.length == 2 && path[0].equals("subjects")) {
      return version(registry.lookup(path[1], schemaIn(exchange)));
    }
    if (method.equals("POST") && path.length == 5 && path[0].equals("compatibility")) {
      return out.put("is_compatible", registry.isCompatibleWithLatest(path[2], schemaIn(exchange)));
    }
    throw new SchemaRegistryException("HTTP 404 Not Found", 404, 404);
  }

  private static ObjectNode version(RegisteredSchema version) {
    return JSON.createObjectNode()
        .put("subject", version.subject())
        .put("id", version.id())
        .put("version", version.version())
        .put("schema", version.schema().toString());
  }

  private static Schema schemaIn(HttpExchange exchange) throws IOException {
    return new Schema.Parser()
        .parse(JSON.readTree(exchange.getRequestBody()).get("schema").asText());
  }

  private static void error(HttpExchange exchange, int status, int code, String message)
      throws IOException {
    send(exchange, status, JSON.createObjectNode().put("error_code", code).put("message", message));
  }

  private static void answer(HttpExchange exchange, ObjectNode body) throws IOException {
    send(exchange, 200, body);
  }

  private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", MEDIA_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    hold.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
