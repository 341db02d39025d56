package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.sink.standalone.StandaloneSink;
import io.fhirflow.testkit.ChildJvm;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.testkit.LocalServices;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The standalone sink started as deployed (StandaloneSink's main, in its own JVM, Connect logging
 * at INFO) with a password in the JDBC URL and in connection.password: neither reaches the output.
 */
class StartupLogSecretsIT {

  static final String URL_SECRET = "pg-url-S3cr3t-1a9";
  static final String PASSWORD_SECRET = "pg-S3cr3t-2b8";

  @Test
  void credentialsInTheUrlAndThePasswordNeverReachTheLog() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopics(
          1, "fhir.r4.observation", "fhir.r4.patient", "fhir.r4.device", "fhir.r4.dlq");
      int rest;
      try (ServerSocket s = new ServerSocket(0)) {
        rest = s.getLocalPort();
      }
      Path worker = Files.createTempFile("sink-worker", ".properties");
      Files.writeString(
          worker,
          String.join(
                  "\n",
                  "bootstrap.servers=" + broker.bootstrapServers(),
                  "key.converter=org.apache.kafka.connect.converters.ByteArrayConverter",
                  "value.converter=org.apache.kafka.connect.converters.ByteArrayConverter",
                  "offset.storage.file.filename="
                      + Files.createTempFile("sink-secrets", ".offsets"),
                  "listeners=http://127.0.0.1:" + rest,
                  "plugin.discovery=service_load",
                  "connector.client.config.override.policy=All")
              + "\n");
      Path connector = Files.createTempFile("sink-connector", ".properties");
      Files.writeString(
          connector,
          String.join(
                  "\n",
                  "name=fhirflow-sink",
                  "connector.class=" + FhirSinkConnector.class.getName(),
                  "tasks.max=1",
                  "topics=fhir.r4.observation,fhir.r4.patient,fhir.r4.device",
                  // trust authentication: PostgreSQL accepts the connection whatever the password
                  // says
                  "connection.url="
                      + LocalServices.freshPostgresSchema("sink_log")
                      + "&password="
                      + URL_SECRET,
                  "connection.password=" + PASSWORD_SECRET,
                  "table.mapping=Observation:fhir_observation,Patient:fhir_patient,Device:fhir_device",
                  "schema.migrate=true",
                  "errors.tolerance=all",
                  "errors.deadletterqueue.topic.name=fhir.r4.dlq",
                  "errors.deadletterqueue.topic.replication.factor=1",
                  "consumer.override.isolation.level=read_committed")
              + "\n");
      try (ChildJvm sink =
          ChildJvm.start(
              StandaloneSink.class.getName(),
              ChildJvm.everythingAtInfo(),
              Map.of(),
              worker.toString(),
              connector.toString())) {
        assertThat(
                sink.awaitOutput(
                    o ->
                        o.contains("fhirflow sink config")
                            && o.contains("finished initialization and start"),
                    Duration.ofSeconds(240)))
            .as(sink.output())
            .isTrue();
        sink.close();
        String output = sink.output();
        assertThat(output)
            .contains("connection.url=jdbc:postgresql://")
            .contains("password=[hidden]");
        for (String secret : List.of(URL_SECRET, PASSWORD_SECRET)) {
          assertThat(output).as(secret).doesNotContain(secret);
        }
      }
    }
  }
}
