package io.fhirflow.cli.tenant;

import io.fhirflow.cli.broker.BrokerOptions;
import io.fhirflow.contracts.PipelineTopic;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fhirflow tenant add NAME}: creates what a new tenant needs in Kafka, with an admin's
 * credential: its raw topic (the raw topic's partition count, broker-stamped time), a SCRAM-SHA-512
 * user {@code gateway-NAME} with a fresh random password, and that user's ACLs (write its raw topic
 * only), and with {@code --producer-byte-rate} a Kafka client quota on that user (fairness between
 * tenants: one tenant's burst is slowed down at the broker). The gateway's client settings,
 * password included, go to {@code --credential-file} (mode 600) or stdout, never to a log. With
 * {@code --strimzi} it touches nothing and prints the Strimzi KafkaTopic and KafkaUser instead (the
 * User Operator then makes the credential). Running it again for the same tenant keeps the topic
 * and ACLs and replaces the password.
 */
@Command(
    name = "add",
    mixinStandardHelpOptions = true,
    description =
        "Create a tenant's raw topic, its gateway user (SCRAM-SHA-512) and that user's ACLs, or print them as Strimzi resources. "
            + "The admin's own login goes in -X, e.g. -X security.protocol=SASL_SSL.")
public final class TenantAddCommand implements Callable<Integer> {

  private static final int SCRAM_ITERATIONS = 8192;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "The tenant's name.")
  String tenant;

  @Mixin BrokerOptions broker;

  @Option(
      names = "--raw-topic",
      defaultValue = PipelineTopic.Names.RAW,
      description = "The deployment's raw topic (default ${DEFAULT-VALUE}).")
  String rawTopic;

  @Option(
      names = "--dlq-topic",
      defaultValue = PipelineTopic.Names.RAW_DEAD_LETTER,
      description = "The raw dead-letter topic the importer writes (default ${DEFAULT-VALUE}).")
  String deadLetterTopic;

  @Option(
      names = "--partitions",
      description =
          "Partitions of the tenant's topic (default: the raw topic's, which it must be).")
  Integer partitions;

  @Option(
      names = "--replication-factor",
      defaultValue = "-1",
      description = "Replication factor (default: the broker's).")
  short replicationFactor;

  @Option(
      names = "--producer-byte-rate",
      paramLabel = "BYTES_PER_SECOND",
      description =
          "Kafka client quota of the gateway user: bytes per second it may produce, per broker; "
              + "beyond it the broker throttles it, so one tenant's burst cannot starve the others "
              + "(docs/tenants.md, Fairness). With --strimzi: the KafkaUser's "
              + "spec.quotas.producerByteRate. Default: no quota (a rerun without it keeps the "
              + "quota set before).")
  Long producerByteRate;

  @Option(
      names = "--credential-file",
      description = "Write the gateway's client settings here (mode 600) instead of stdout.")
  Path credentialFile;

  @Option(
      names = "--strimzi",
      description = "Print Strimzi KafkaTopic and KafkaUser resources; touch no cluster.")
  boolean strimzi;

  @Option(
      names = "--strimzi-cluster",
      defaultValue = "fhirflow",
      description = "The Strimzi Kafka cluster's name (default ${DEFAULT-VALUE}).")
  String strimziCluster;

  @Option(
      names = "--replicas",
      defaultValue = "3",
      description = "With --strimzi: replicas of the topic (default ${DEFAULT-VALUE}).")
  int replicas;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (producerByteRate != null && producerByteRate < 1) {
      spec.commandLine().getErr().println("tenant add: --producer-byte-rate must be positive");
      return 2;
    }
    TenantResources resources;
    try {
      resources = new TenantResources(tenant, rawTopic, deadLetterTopic);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("tenant add: " + e.getMessage());
      return 2;
    }
    if (strimzi) {
      if (partitions == null) {
        spec.commandLine().getErr().println("tenant add: --strimzi needs --partitions");
        return 2;
      }
      out.print(resources.strimziYaml(strimziCluster, partitions, replicas, producerByteRate));
      out.flush();
      return 0;
    }
    try (Admin admin = Admin.create(broker.clientConfig(Map.of()))) {
      int count = partitions != null ? partitions : partitionsOf(admin, rawTopic);
      createTopic(admin, resources, count);
      admin.createAcls(resources.gatewayAcls()).all().get(30, TimeUnit.SECONDS);
      if (producerByteRate != null) {
        admin
            .alterClientQuotas(List.of(resources.producerQuota(producerByteRate)))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      String password = newPassword();
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      resources.gatewayUser(),
                      new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                      password)))
          .all()
          .get(30, TimeUnit.SECONDS);
      writeCredential(resources, password, out);
      spec.commandLine()
          .getErr()
          .println(
              "tenant "
                  + tenant
                  + ": topic "
                  + resources.topic()
                  + " ("
                  + count
                  + " partitions), user "
                  + resources.gatewayUser()
                  + " with write access to it"
                  + (producerByteRate == null
                      ? ""
                      : ", producer quota " + producerByteRate + " bytes/s per broker"));
      return 0;
    }
  }

  private static int partitionsOf(Admin admin, String topic) throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get(30, TimeUnit.SECONDS)
        .get(topic)
        .partitions()
        .size();
  }

  private void createTopic(Admin admin, TenantResources resources, int count) throws Exception {
    NewTopic topic =
        new NewTopic(
                resources.topic(),
                Optional.of(count),
                replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor))
            .configs(TenantResources.topicConfig());
    try {
      admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
      int existing = partitionsOf(admin, resources.topic());
      if (existing != count) {
        throw new IllegalStateException(
            resources.topic() + " exists with " + existing + " partitions, not " + count);
      }
    }
  }

  private static String newPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The gateway's producer settings: add bootstrap.servers and security.protocol (TLS or not). */
  private void writeCredential(TenantResources resources, String password, PrintWriter out)
      throws Exception {
    String settings =
        "# gateway of tenant "
            + tenant
            + ": produce to "
            + resources.topic()
            + "; keep this file secret\n"
            + "sasl.mechanism=SCRAM-SHA-512\n"
            + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\""
            + resources.gatewayUser()
            + "\" password=\""
            + password
            + "\";\n";
    if (credentialFile == null) {
      out.print(settings);
      out.flush();
      return;
    }
    Files.deleteIfExists(credentialFile);
    Files.createFile(
        credentialFile,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(credentialFile, settings);
  }
}
