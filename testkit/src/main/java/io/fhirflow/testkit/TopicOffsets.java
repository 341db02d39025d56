package io.fhirflow.testkit;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/** Where topics end and how far a consumer group has committed: for waits on a consumer's lag. */
public final class TopicOffsets {

  private TopicOffsets() {}

  /** The end offset of every partition of {@code topics}. */
  public static Map<TopicPartition, Long> endOffsets(Admin admin, Collection<String> topics)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (Map.Entry<String, TopicDescription> topic :
        admin.describeTopics(topics).allTopicNames().get().entrySet()) {
      for (TopicPartitionInfo p : topic.getValue().partitions()) {
        request.put(new TopicPartition(topic.getKey(), p.partition()), OffsetSpec.latest());
      }
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(request).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  /**
   * Whether {@code group} has committed every non-empty partition of {@code topics} up to its end.
   */
  public static boolean committedToEnd(Admin admin, String group, Collection<String> topics)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    return endOffsets(admin, topics).entrySet().stream()
        .allMatch(
            e ->
                e.getValue() == 0
                    || (committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() == e.getValue()));
  }
}
