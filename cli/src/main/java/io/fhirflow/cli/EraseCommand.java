package io.fhirflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.cli.broker.BrokerOptions;
import io.fhirflow.cli.broker.TopicTail;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.serde.ErasureRequest;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fhirflow erase --user ID --requested-by WHO}: writes an erasure request to the erasure
 * topic (docs/contracts.md "Erasure") and, unless {@code --wait 0}, waits for the topology's
 * AuditEvent of it and prints what was removed (counts). The CLI touches no store itself: the
 * topology, which owns the state stores, the compacted topics and Redis, carries the request out
 * exactly once and the sink removes the PostgreSQL rows when the erasure marker reaches it.
 */
@Command(
    name = "erase",
    mixinStandardHelpOptions = true,
    description =
        "Erase a person from everything fhirflow keeps (state stores, FHIR topics, PostgreSQL, Redis); audited.")
public final class EraseCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(
      names = "--user",
      required = true,
      description = "The gateway's user id of the person (the raw topic's key).")
  String userId;

  @Option(
      names = "--tenant",
      defaultValue = Tenants.DEFAULT,
      description = "The person's tenant (docs/tenants.md; default ${DEFAULT-VALUE}).")
  String tenant;

  @Option(
      names = "--requested-by",
      required = true,
      defaultValue = "${env:FHIRFLOW_ERASURE_REQUESTED_BY}",
      description =
          "Who asked for the erasure, for the AuditEvent (env FHIRFLOW_ERASURE_REQUESTED_BY).")
  String requestedBy;

  @Mixin BrokerOptions broker;

  @Option(
      names = "--erasure-topic",
      defaultValue = "${env:FHIRFLOW_ERASURE_TOPIC:-" + PipelineTopic.Names.ERASURE + "}",
      description = "Erasure request topic (default ${DEFAULT-VALUE}).")
  String erasureTopic;

  @Option(
      names = "--audit-topic",
      defaultValue = "${env:FHIRFLOW_AUDIT_TOPIC:-" + PipelineTopic.Names.AUDIT_EVENT + "}",
      description = "AuditEvent topic the topology confirms on (default ${DEFAULT-VALUE}).")
  String auditTopic;

  @Option(
      names = "--wait",
      defaultValue = "120s",
      converter = SimulateCommand.DurationConverter.class,
      description =
          "How long to wait for the topology's AuditEvent (0 = do not wait; default ${DEFAULT-VALUE}).")
  Duration wait;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ErasureRequest request;
    try {
      request = ErasureRequest.of(tenant, userId, requestedBy, clock.instant());
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("erase: " + e.getMessage());
      return 2;
    }
    try (KafkaConsumer<String, String> audit = wait.isZero() ? null : auditConsumer()) {
      if (audit != null) {
        // Positioned before the request is sent, so its AuditEvent cannot be missed.
        TopicTail.assignAtEnd(audit, auditTopic);
      }
      send(request);
      out.println("erasure requested id=" + request.requestId());
      out.flush();
      if (audit == null) {
        return 0;
      }
      JsonNode event = awaitAuditEvent(audit, request.requestId());
      if (event == null) {
        spec.commandLine()
            .getErr()
            .println(
                "erase: no AuditEvent for request "
                    + request.requestId()
                    + " within "
                    + wait
                    + " (is the topology running?); the request stays on "
                    + erasureTopic
                    + " and is carried out when it runs");
        return 1;
      }
      out.println("erased by the topology; removed (counts):");
      for (JsonNode entity : event.path("entity")) {
        for (JsonNode detail : entity.path("detail")) {
          out.println(
              "  " + detail.path("type").asText() + " " + detail.path("valueString").asText());
        }
      }
      out.println(
          "the sink removes the PostgreSQL rows when the erasure marker reaches it (docs/operations.md \"Erasure\")");
      return 0;
    }
  }

  private void send(ErasureRequest request) throws Exception {
    Map<String, Object> config =
        broker.clientConfig(Map.of("acks", "all", "enable.idempotence", "true"));
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(erasureTopic, request.userId(), request.toJson())).get();
    }
  }

  private KafkaConsumer<String, String> auditConsumer() {
    Map<String, Object> config =
        broker.clientConfig(
            Map.of("isolation.level", "read_committed", "enable.auto.commit", "false"));
    return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
  }

  private JsonNode awaitAuditEvent(KafkaConsumer<String, String> audit, String requestId)
      throws Exception {
    Instant deadline = clock.instant().plus(wait);
    while (clock.instant().isBefore(deadline)) {
      for (ConsumerRecord<String, String> r : audit.poll(Duration.ofMillis(500))) {
        if (requestId.equals(r.key()) && r.value() != null) {
          return JSON.readTree(r.value());
        }
      }
    }
    return null;
  }
}
