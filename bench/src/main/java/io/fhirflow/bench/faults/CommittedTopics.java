package io.fhirflow.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.contracts.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a downstream reader sees: each topic read from the beginning to its end with {@code
 * isolation.level=read_committed}, as the sink and every consumer of the FHIR topics read it.
 * Aborted transactions (an instance killed mid-commit) are invisible here, so a duplicate found
 * here is one a consumer would get.
 */
final class CommittedTopics {

  /** Observation ids and versions seen on the topic. */
  record Observations(
      long records, Map<String, Long> newestVersion, Map<String, Integer> sameVersionTwice) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String bootstrapServers;

  CommittedTopics(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  long count(String topic) {
    long[] n = {0};
    read(topic, r -> n[0]++);
    return n[0];
  }

  /** Dead letters per {@code dlq.stage/dlq.reason}. */
  Map<String, Long> deadLettersByReason(String topic) {
    Map<String, Long> reasons = new TreeMap<>();
    read(
        topic,
        r ->
            reasons.merge(
                header(r, DeadLetterHeaders.STAGE) + "/" + header(r, DeadLetterHeaders.REASON),
                1L,
                Long::sum));
    return reasons;
  }

  Observations observations(String topic) {
    long[] records = {0};
    Map<String, Long> newest = new HashMap<>();
    Map<String, java.util.Set<Long>> seen = new HashMap<>();
    Map<String, Integer> twice = new TreeMap<>();
    read(
        topic,
        r -> {
          records[0]++;
          if (r.value() == null) {
            // A deletion marker: the Observation named by its fhir.resourceId header is gone from
            // then on.
            twice.merge("(deletion markers, not checked)", 1, Integer::sum);
            Header id = r.headers().lastHeader(io.fhirflow.contracts.FhirRecordHeaders.RESOURCE_ID);
            if (id != null) {
              newest.remove(new String(id.value(), StandardCharsets.UTF_8));
            }
            return;
          }
          try {
            JsonNode o = JSON.readTree(r.value());
            String id = o.path("id").asText();
            long version = Long.parseLong(o.path("meta").path("versionId").asText("0"));
            newest.merge(id, version, Math::max);
            if (!seen.computeIfAbsent(id, k -> new java.util.HashSet<>(2)).add(version)) {
              twice.merge(id + " version " + version, 2, (a, b) -> a + 1);
            }
          } catch (java.io.IOException | NumberFormatException e) {
            twice.merge(
                "unreadable record at " + r.topic() + "-" + r.partition() + "@" + r.offset(),
                1,
                Integer::sum);
          }
        });
    return new Observations(records[0], newest, twice);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? "(none)" : new String(h.value(), StandardCharsets.UTF_8);
  }

  private void read(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // The end a read_committed reader can reach: the last stable offset.
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (partitions.stream()
          .anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + topic + " to its end within 5 minutes");
        }
        consumer.poll(Duration.ofMillis(500)).forEach(each);
      }
    }
  }
}
