package io.fhirflow.contracts;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operations port of a fhirflow process, what Kubernetes probes and Prometheus scrape: {@value
 * #LIVE} (503: restart me), {@value #READY} (503: send me no work, or I am not doing it) and, where
 * the process has them, {@value #METRICS} (Prometheus text). Each health answer is 200 or 503 with
 * a short plain-text reason, never a patient id. The JDK's built-in server is enough for a few
 * read-only endpoints and adds no dependency. The FHIR API serves the same paths from its own
 * Jetty.
 */
public final class OpsPort implements AutoCloseable {

  public static final String LIVE = "/health/live";
  public static final String READY = "/health/ready";
  public static final String METRICS = "/metrics";
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** One health answer: {@code ok} is 200, otherwise 503; {@code text} says why. */
  public record Health(boolean ok, String text) {}

  private final HttpServer server;

  private OpsPort(HttpServer server) {
    this.server = server;
  }

  /**
   * Listens on {@code port} (0: a free one) on every interface.
   *
   * @param metrics Prometheus text, or null when this process's metrics are served elsewhere
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static OpsPort start(
      int port,
      String name,
      Supplier<Health> live,
      Supplier<Health> ready,
      Supplier<String> metrics) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + port, e);
    }
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, name + "-ops-http");
              t.setDaemon(true);
              return t;
            }));
    server.createContext(LIVE, ex -> health(ex, live.get()));
    server.createContext(READY, ex -> health(ex, ready.get()));
    if (metrics != null) {
      server.createContext(METRICS, ex -> respond(ex, 200, PROMETHEUS_TEXT, metrics.get()));
    }
    server.start();
    return new OpsPort(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void health(HttpExchange ex, Health health) throws IOException {
    respond(ex, health.ok() ? 200 : 503, "text/plain; charset=utf-8", health.text());
  }

  private static void respond(HttpExchange ex, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
