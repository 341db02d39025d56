package io.fhirflow.stack;

import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.contracts.Tenants;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The pipeline's topics ({@link PipelineTopic} defaults), created on the local broker when missing
 * so that gateways can produce as soon as the stack is up; the broker does not create topics on its
 * own.
 */
public final class StackTopics {

  /**
   * Topic name, whether it is compacted (one record per key kept) and whether the broker stamps its
   * timestamps.
   */
  public record Topic(String name, boolean compacted, boolean brokerStampsTime) {}

  public static final List<Topic> DEFAULTS =
      Arrays.stream(PipelineTopic.values())
          .map(t -> new Topic(t.defaultName(), t.compacted(), t.brokerStampsTime()))
          .toList();

  private StackTopics() {}

  /**
   * The pipeline's topics plus the raw topic of each tenant ({@link Tenants#rawTopic}; the default
   * tenant's is the raw topic itself), with the raw topic's settings. Created with the same
   * partition count, which the topology requires of every tenant's raw topic.
   */
  public static List<Topic> withTenants(List<String> tenants) {
    List<Topic> topics = new java.util.ArrayList<>(DEFAULTS);
    PipelineTopic raw = PipelineTopic.RAW;
    for (String tenant : tenants) {
      String name = Tenants.rawTopic(raw.defaultName(), tenant);
      if (topics.stream().noneMatch(t -> t.name().equals(name))) {
        topics.add(new Topic(name, raw.compacted(), raw.brokerStampsTime()));
      }
    }
    return List.copyOf(topics);
  }

  /** Creates those of {@code topics} the broker does not have yet; returns the names it created. */
  public static List<String> createMissing(
      String bootstrapServers, List<Topic> topics, int partitions, long timeoutMs) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
      List<NewTopic> missing =
          topics.stream()
              .filter(t -> !existing.contains(t.name()))
              .map(t -> new NewTopic(t.name(), partitions, (short) 1).configs(configs(t)))
              .toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(timeoutMs, TimeUnit.MILLISECONDS);
      }
      return missing.stream().map(NewTopic::name).toList();
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not create the pipeline topics on " + bootstrapServers, e);
    }
  }

  static Map<String, String> configs(Topic topic) {
    Map<String, String> configs = new java.util.HashMap<>();
    if (topic.compacted()) {
      configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
    if (topic.brokerStampsTime()) {
      configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
    }
    return configs;
  }
}
