package io.fhirflow.topology;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The process's one operations port: {@code /health/live} (503 once Streams gave up or the instance
 * stayed stalled past its grace), {@code /health/ready} (200 only while Kafka Streams is RUNNING and
 * every task makes progress: {@link ProgressWatch}) and {@code /metrics} (Prometheus text: the conservation counters,
 * Redis writer outcomes and Kafka Streams' own metrics). The JDK's built-in server is enough for
 * three read-only endpoints and adds no dependency.
 */
public final class OpsHttpServer implements AutoCloseable {

  private final HttpServer server;

  /**
   * @param progressing false while a task is stalled or threads keep dying: not ready
   * @param alive false once that lasted longer than the grace: not live
   * @param progress a short text for the body
   */
  public OpsHttpServer(int port, Supplier<KafkaStreams.State> state, BooleanSupplier progressing, BooleanSupplier alive,
      Supplier<String> progress, PrometheusMeterRegistry registry) {
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + port, e);
    }
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fhirflow-ops-http");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/health/live", ex -> {
      // Alive while the JVM can answer and Streams has not given up for good.
      KafkaStreams.State s = state.get();
      boolean dead = s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING || !alive.getAsBoolean();
      respond(ex, dead ? 503 : 200, "text/plain", s.name() + " " + progress.get());
    });
    server.createContext("/health/ready", ex -> {
      // RUNNING is not enough: a task can retry one record forever while Streams stays RUNNING.
      KafkaStreams.State s = state.get();
      boolean ready = s == KafkaStreams.State.RUNNING && progressing.getAsBoolean();
      respond(ex, ready ? 200 : 503, "text/plain", s.name() + " " + progress.get());
    });
    server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
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
