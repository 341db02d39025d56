package io.fhirflow.testkit;

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

  private KafkaBroker(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Formats and starts a fresh broker; takes 2-3 s. */
  public static KafkaBroker start() {
    try {
      KafkaClusterTestKit cluster =
          new KafkaClusterTestKit.Builder(
                  new TestKitNodes.Builder()
                      .setCombined(true)
                      .setNumBrokerNodes(1)
                      .setNumControllerNodes(1)
                      .build())
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
      return new KafkaBroker(cluster);
    } catch (Exception e) {
      throw new IllegalStateException("in-JVM KRaft broker did not start", e);
    }
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  public Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
  }

  /** Creates topics (and waits until they exist) with the given partition count. */
  public void createTopics(int partitions, String... names) {
    try (Admin admin = admin()) {
      admin
          .createTopics(
              List.of(names).stream().map(n -> new NewTopic(n, partitions, (short) 1)).toList())
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not create topics " + Set.of(names), e);
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
