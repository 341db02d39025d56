package io.fhirflow.bench.api;

import io.fhirflow.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;

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
    Path file = Path.of(args[0]);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, broker.bootstrapServers());
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    System.out.println("READY " + broker.bootstrapServers());
    Thread.currentThread().join();
  }
}
