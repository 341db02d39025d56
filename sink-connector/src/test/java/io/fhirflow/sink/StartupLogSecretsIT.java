package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.sink.standalone.StandaloneSink;
import io.fhirflow.store.StoreTables;
import io.fhirflow.testkit.ChildJvm;
import io.fhirflow.testkit.ConnectWorkers;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.testkit.LocalServices;
import io.fhirflow.testkit.StartupLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
          1,
          PipelineTopic.Names.OBSERVATION,
          PipelineTopic.Names.PATIENT,
          PipelineTopic.Names.DEVICE,
          PipelineTopic.Names.FHIR_DEAD_LETTER);
      Map<String, String> workerSettings =
          new HashMap<>(
              ConnectWorkers.standalone(
                  broker.bootstrapServers(), Files.createTempFile("sink-secrets", ".offsets")));
      workerSettings.put("connector.client.config.override.policy", "All");
      Path worker = ChildJvm.propertiesFile("sink-worker", workerSettings);
      Map<String, String> connectorSettings =
          ConnectWorkers.sinkConnector(
              "fhirflow-sink",
              "fhir.r4.observation,fhir.r4.patient,fhir.r4.device",
              // trust authentication: PostgreSQL accepts the connection whatever the password says
              LocalServices.freshPostgresSchema("sink_log") + "&password=" + URL_SECRET,
              PipelineTopic.Names.FHIR_DEAD_LETTER);
      connectorSettings.put("connection.password", PASSWORD_SECRET);
      connectorSettings.put(
          "table.mapping",
          "Observation:"
              + StoreTables.OBSERVATION
              + ",Patient:"
              + StoreTables.PATIENT
              + ",Device:"
              + StoreTables.DEVICE);
      connectorSettings.put("schema.migrate", "true");
      Path connector = ChildJvm.propertiesFile("sink-connector", connectorSettings);
      String output =
          StartupLog.untilReady(
              StandaloneSink.class.getName(),
              o ->
                  o.contains("fhirflow sink config")
                      && o.contains("finished initialization and start"),
              worker.toString(),
              connector.toString());
      assertThat(output)
          .contains("connection.url=jdbc:postgresql://")
          .contains("password=[hidden]");
      assertThat(output).doesNotContain(URL_SECRET, PASSWORD_SECRET);
    }
  }
}
