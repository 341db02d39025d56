package io.fhirflow.bench.api;

import io.fhirflow.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The audit topic's broker for the API benchmark, in its own JVM so that the API process's CPU per
 * request counts the API (and its producer) only, as in production where the cluster is elsewhere.
 * Writes the bootstrap servers to {@code file}, then runs until killed. Args: file.
 */
public final class AuditBrokerServer {

  private AuditBrokerServer() {}

  public static void main(String[] args) throws Exception {
    KafkaBroker broker = KafkaBroker.start();
    broker.createTopics(1, ApiBenchServer.AUDIT_TOPIC);
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
    // One acknowledged record first: the API's audit sink starts "down" if the topic's leader is
    // not
    // ready within its 1 s metadata wait, and a loaded machine can take longer than that.
    try (KafkaProducer<String, String> p =
        new KafkaProducer<>(
            broker.producerProps(), new StringSerializer(), new StringSerializer())) {
      p.send(new ProducerRecord<>(ApiBenchServer.AUDIT_TOPIC, "warm-up", "{}")).get();
    }
    Path file = Path.of(args[0]);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, broker.bootstrapServers());
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    System.out.println("READY " + broker.bootstrapServers());
    Thread.currentThread().join();
  }
}
