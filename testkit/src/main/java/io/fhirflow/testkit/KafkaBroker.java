package io.fhirflow.testkit;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft broker (combined broker + controller) running inside the test JVM.
 *
 * <p>One broker means the internal topics must have replication factor 1 and a transaction log min
 * ISR of 1, or group coordination and transactions (exactly_once_v2) hang.
 */
public final class KafkaBroker implements AutoCloseable {

  private final KafkaClusterTestKit cluster;
  private final boolean secured;

  private KafkaBroker(KafkaClusterTestKit cluster, boolean secured) {
    this.cluster = cluster;
    this.secured = secured;
  }

  /** The super user of a {@link #startSecured secured} broker (SASL/PLAIN). */
  public static final String ADMIN_USER = "plain-admin";

  private static final String ADMIN_PASSWORD = "plain-admin-secret";

  /** Formats and starts a fresh broker; takes 2-3 s. */
  public static KafkaBroker start() {
    return start(false, Map.of());
  }

  /**
   * A broker whose client listener takes SASL only, with the standard authorizer and no access
   * without an ACL: {@link #ADMIN_USER} (SASL/PLAIN) is the super user, and users an admin creates
   * with SCRAM-SHA-512 credentials log in with those ({@link #saslProps}).
   */
  public static KafkaBroker startSecured() {
    return start(true, Map.of());
  }

  /**
   * A {@link #startSecured()} broker with more broker settings on top, e.g. {@code
   * quota.window.num}.
   */
  public static KafkaBroker startSecured(Map<String, String> brokerConfig) {
    return start(true, brokerConfig);
  }

  /** Client properties for a SASL login to a {@link #startSecured secured} broker. */
  public static Map<String, Object> saslProps(String mechanism, String user, String password) {
    String module =
        mechanism.equals("PLAIN")
            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
            : "org.apache.kafka.common.security.scram.ScramLoginModule";
    return Map.of(
        "security.protocol",
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        mechanism,
        "sasl.jaas.config",
        jaasConfig(module, user, password));
  }

  /** A {@code sasl.jaas.config} value for the PLAIN mechanism. */
  public static String plainJaasConfig(String user, String password) {
    return jaasConfig("org.apache.kafka.common.security.plain.PlainLoginModule", user, password);
  }

  private static String jaasConfig(String module, String user, String password) {
    return module + " required username=\"" + user + "\" password=\"" + password + "\";";
  }

  /** The super user's client properties on a {@link #startSecured secured} broker. */
  public static Map<String, Object> adminSaslProps() {
    return saslProps("PLAIN", ADMIN_USER, ADMIN_PASSWORD);
  }

  /** {@link #adminSaslProps} as the {@code -X key=value} options of a fhirflow command. */
  public static List<String> adminSaslOptions() {
    List<String> options = new ArrayList<>();
    adminSaslProps().forEach((key, value) -> options.addAll(List.of("-X", key + "=" + value)));
    return options;
  }

  /**
   * The client settings of a gateway of this secured broker: what the credential file {@code
   * fhirflow tenant add --credential-file} wrote, with this broker's address and protocol.
   */
  public Map<String, Object> gatewayClient(Path credentialFile) throws IOException {
    Properties settings = new Properties();
    settings.load(new StringReader(Files.readString(credentialFile, StandardCharsets.UTF_8)));
    Map<String, Object> client = new HashMap<>();
    settings.forEach((key, value) -> client.put((String) key, value));
    client.put("bootstrap.servers", bootstrapServers());
    client.put("security.protocol", "SASL_PLAINTEXT");
    return client;
  }

  private static KafkaBroker start(boolean secured, Map<String, String> brokerConfig) {
    try {
      TestKitNodes.Builder nodes =
          new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1);
      if (secured) {
        nodes.setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
      }
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build());
      if (secured) {
        // The test kit's JAAS file knows two PLAIN users; the admin is the super user and the
        // broker's own inter-broker login. Gateways log in with SCRAM credentials created at run
        // time, as `fhirflow tenant add` does in a real cluster.
        builder
            .setConfigProp("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512")
            .setConfigProp("sasl.mechanism.inter.broker.protocol", "PLAIN")
            // The controller listener stays PLAINTEXT (in-JVM, loopback): its only client is the
            // node's own broker, which arrives there as ANONYMOUS and must register. No client of
            // the SASL-only client listener is ever ANONYMOUS.
            .setConfigProp("super.users", "User:" + ADMIN_USER + ";User:ANONYMOUS")
            .setConfigProp(
                "listener.name.external.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      }
      brokerConfig.forEach(builder::setConfigProp);
      KafkaClusterTestKit cluster =
          builder
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("offsets.topic.num.partitions", "3")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              .setConfigProp("transaction.state.log.num.partitions", "3")
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .setConfigProp("auto.create.topics.enable", "false")
              .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new KafkaBroker(cluster, secured);
    } catch (Exception e) {
      throw new IllegalStateException("in-JVM KRaft broker did not start", e);
    }
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** An admin client; the super user's on a secured broker. */
  public Admin admin() {
    Map<String, Object> config = new HashMap<>();
    config.put("bootstrap.servers", bootstrapServers());
    if (secured) {
      config.putAll(adminSaslProps());
    }
    return Admin.create(config);
  }

  /** Creates topics (and waits until they exist) with the given partition count. */
  public void createTopics(int partitions, String... names) {
    try (Admin admin = admin()) {
      admin
          .createTopics(
              List.of(names).stream().map(n -> new NewTopic(n, partitions, (short) 1)).toList())
          .all()
          .get(30, TimeUnit.SECONDS);
      awaitLogs(admin, partitions, names);
    } catch (Exception e) {
      throw new IllegalStateException("could not create topics " + Set.of(names), e);
    }
  }

  /**
   * Waits until the broker holds a log for every new partition. The controller answers a topic's
   * creation before the broker has applied it: a producer writing at once can meet
   * NOT_LEADER_OR_FOLLOWER, and on a CPU-starved machine its idempotent retries then ended in
   * OUT_OF_ORDER_SEQUENCE_NUMBER for good (a benchmark's loader waited for ever on one fresh raw
   * partition). The log directories are what the broker itself serves from.
   */
  private void awaitLogs(Admin admin, int partitions, String... names) throws Exception {
    Set<TopicPartition> wanted = new HashSet<>();
    for (String name : names) {
      for (int p = 0; p < partitions; p++) {
        wanted.add(new TopicPartition(name, p));
      }
    }
    List<Integer> brokers = List.copyOf(cluster.brokers().keySet());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Set<TopicPartition> present = new HashSet<>();
      admin
          .describeLogDirs(brokers)
          .allDescriptions()
          .get(30, TimeUnit.SECONDS)
          .values()
          .forEach(
              dirs -> dirs.values().forEach(dir -> present.addAll(dir.replicaInfos().keySet())));
      if (present.containsAll(wanted)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the broker holds no log yet for some of " + wanted);
      }
      Thread.sleep(50);
    }
  }

  /** A topic name no other test uses. */
  public static String uniqueTopic(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public Properties producerProps() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return p;
  }

  public Properties consumerProps(String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return p;
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      throw new IllegalStateException("in-JVM KRaft broker did not stop cleanly", e);
    }
  }
}
