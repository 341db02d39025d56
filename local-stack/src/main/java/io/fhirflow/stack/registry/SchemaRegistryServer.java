package io.fhirflow.stack.registry;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small Confluent-REST-compatible schema registry on loopback, for local gateways and tests
 * (development only: one instance, no authentication, Avro only; production uses Confluent Schema
 * Registry, Apicurio's ccompat API, Karapace or Redpanda).
 *
 * <p>Schemas live in a compacted Kafka topic, replayed at start, so ids survive a restart. Written
 * by hand on the JDK's HttpServer because no Confluent-compatible registry is on Maven Central;
 * Avro's own classes do the schema work.
 */
public final class SchemaRegistryServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

  private final HttpServer http;
  private final ExecutorService executor;
  private final SchemaLog log;

  private SchemaRegistryServer(HttpServer http, ExecutorService executor, SchemaLog log) {
    this.http = http;
    this.executor = executor;
    this.log = log;
  }

  /**
   * Replays {@code topic} (creating it, compacted, when missing) from the broker at {@code
   * bootstrapServers}, then serves on 127.0.0.1:{@code port} (0 picks a free port).
   */
  public static SchemaRegistryServer start(String bootstrapServers, String topic, int port) {
    SchemaLog log = new SchemaLog(bootstrapServers, topic);
    try {
      log.ensureTopic(KAFKA_TIMEOUT);
      SchemaRegistry registry =
          new SchemaRegistry(log.readAll(KAFKA_TIMEOUT), entry -> log.append(entry, KAFKA_TIMEOUT));
      HttpServer http =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      ExecutorService executor = Executors.newFixedThreadPool(4);
      http.setExecutor(executor);
      http.createContext("/", new RegistryHttpHandler(registry));
      http.start();
      LOG.info(
          "schema registry serving on {} with {} subjects from topic {}",
          "http://127.0.0.1:" + http.getAddress().getPort(),
          registry.subjects().size(),
          topic);
      return new SchemaRegistryServer(http, executor, log);
    } catch (IOException e) {
      log.close();
      throw new UncheckedIOException("could not listen on port " + port, e);
    } catch (RuntimeException e) {
      log.close();
      throw e;
    }
  }

  public int port() {
    return http.getAddress().getPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
    log.close();
  }

  /**
   * {@code java ... SchemaRegistryServer bootstrap.servers=127.0.0.1:9092 port=8081
   * topic=_schemas}; runs until SIGTERM.
   */
  public static void main(String[] args) throws InterruptedException {
    Map<String, String> options =
        new HashMap<>(
            Map.of("bootstrap.servers", "127.0.0.1:9092", "port", "8081", "topic", "_schemas"));
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 0 || !options.containsKey(arg.substring(0, eq))) {
        throw new IllegalArgumentException(
            "unknown argument " + arg + "; expected bootstrap.servers=, port=, topic=");
      }
      options.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    SchemaRegistryServer server =
        start(
            options.get("bootstrap.servers"),
            options.get("topic"),
            Integer.parseInt(options.get("port")));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  LOG.info("schema registry stopped");
                  stopped.countDown();
                },
                "registry-shutdown"));
    stopped.await();
  }
}
