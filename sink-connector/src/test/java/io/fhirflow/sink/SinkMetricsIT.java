package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.sink.standalone.StandaloneSink;
import io.fhirflow.store.StoreTables;
import io.fhirflow.testkit.ConnectWorkers;
import io.fhirflow.testkit.ExportedMetrics;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.testkit.LocalServices;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.internals.Exit;
import org.junit.jupiter.api.Test;

/**
 * The sink's operator-facing figures on a real standalone worker running Strimzi's Prometheus
 * reporter, configured as config/sink-standalone.properties does: the task's own metrics (rows
 * written, batch time, retries, dead letters) and Connect's and the consumer's reach {@code
 * /metrics}, and the worker answers Connect's {@code /health}. The scrape must hold every series
 * k8s/monitoring/metrics/sink.txt promises to the dashboards and alert rules.
 */
class SinkMetricsIT {

  private static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");

  @Test
  void aRunningWorkerExportsEverySeriesTheDashboardsUse() throws Exception {
    Exit.setExitProcedure(
        (status, message) -> {
          throw new IllegalStateException("Connect wanted to exit " + status + ": " + message);
        });
    int metricsPort = freePort();
    int restPort = freePort();
    Path offsets = Files.createTempFile("sink-metrics-it", ".offsets");
    String url = LocalServices.freshPostgresSchema("sink_metrics_it");
    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopics(1, PipelineTopic.Names.OBSERVATION, PipelineTopic.Names.FHIR_DEAD_LETTER);
      Map<String, String> workerProps = new HashMap<>();
      workerProps.put("bootstrap.servers", broker.bootstrapServers());
      workerProps.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
      workerProps.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
      workerProps.put("offset.storage.file.filename", offsets.toString());
      workerProps.put("listeners", "http://127.0.0.1:" + restPort);
      workerProps.put("plugin.discovery", "service_load");
      workerProps.putAll(reporterProps(metricsPort));
      try (StandaloneSink worker = StandaloneSink.start(workerProps)) {
        HttpClient http = HttpClient.newHttpClient();
        assertThat(get(http, restPort, "/health")).contains("starting");
        worker.putConnector(connector(url));
        worker.ready();
        assertThat(get(http, restPort, "/health")).contains("healthy");
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> worker.taskStates("fhir-sink").equals(List.of("RUNNING")));
        try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                broker.producerProps(), new StringSerializer(), new ByteArraySerializer())) {
          for (int i = 0; i < 20; i++) {
            producer.send(
                new ProducerRecord<>(
                    PipelineTopic.Names.OBSERVATION,
                    "pat-1",
                    FhirFixtures.heartRate("obs-" + i, "pat-1", 1, T0, 60 + i, T0.minusSeconds(i))
                        .getBytes(StandardCharsets.UTF_8)));
          }
          producer.send(
              new ProducerRecord<>(
                  PipelineTopic.Names.OBSERVATION,
                  "pat-1",
                  "not json".getBytes(StandardCharsets.UTF_8)));
        }
        // Well within offset.flush.interval.ms (60 s here): the task does not wait for a commit to
        // write.
        await().atMost(Duration.ofSeconds(30)).until(() -> rows(url) == 20);

        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  String scrape = get(http, metricsPort, "/metrics");
                  Files.writeString(Path.of("target/sink-metrics.prom"), scrape);
                  ExportedMetrics.assertScrapeHoldsPromised("sink", scrape);
                  assertThat(scrape)
                      .containsPattern("kafka_connect_plugins_rows_written\\{[^}]*\\} 20\\.0");
                  assertThat(scrape)
                      .containsPattern(
                          "kafka_connect_plugins_dead_lettered\\{[^}]*reason=\"NOT_JSON\"[^}]*\\} 1\\.0");
                });
        worker.deleteConnector("fhir-sink");
      }
    } finally {
      Files.deleteIfExists(offsets);
      Exit.resetExitProcedure();
    }
  }

  /**
   * The reporter settings of the shipped config/sink-standalone.properties, on the test's own port.
   */
  private static Map<String, String> reporterProps(int port) throws Exception {
    Properties shipped = new Properties();
    try (var in =
        Files.newBufferedReader(
            ExportedMetrics.repositoryRoot().resolve("config/sink-standalone.properties"))) {
      shipped.load(in);
    }
    Map<String, String> p = new HashMap<>();
    for (String key : shipped.stringPropertyNames()) {
      if (key.contains("metric")) {
        p.put(
            key, shipped.getProperty(key).replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:" + port));
      }
    }
    assertThat(p).containsKeys("metric.reporters", "consumer.metric.reporters");
    return p;
  }

  private static Map<String, String> connector(String url) {
    return ConnectWorkers.sinkConnector(
        "fhir-sink",
        PipelineTopic.OBSERVATION.defaultName(),
        url,
        PipelineTopic.FHIR_DEAD_LETTER.defaultName());
  }

  private static long rows(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + StoreTables.OBSERVATION)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      return -1; // the task has not migrated the schema yet
    }
  }

  private static String get(HttpClient http, int port, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
