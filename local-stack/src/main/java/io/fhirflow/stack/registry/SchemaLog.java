package io.fhirflow.stack.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's durable state: a one-partition compacted topic whose keys and values follow
 * Confluent's {@code _schemas} layout ({@code {"keytype":"SCHEMA","subject":..,"version":..}} →
 * {@code {"subject","version","id","schema"}}; {@code CONFIG} keys for compatibility levels). Each
 * (subject, version) has its own key, so compaction keeps every version.
 */
final class SchemaLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String bootstrapServers;
  private final String topic;
  private final KafkaProducer<String, String> producer;

  SchemaLog(String bootstrapServers, String topic) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.CLIENT_ID_CONFIG,
                "fhirflow-dev-registry"),
            new StringSerializer(),
            new StringSerializer());
  }

  /** Creates the compacted topic unless it exists. */
  void ensureTopic(Duration timeout) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      NewTopic newTopic =
          new NewTopic(topic, 1, (short) 1)
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("created registry topic {}", topic);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("could not create registry topic " + topic, e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("could not create registry topic " + topic + " in time", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every entry in the topic, oldest first, read up to the end offset seen at the call. */
  List<LogEntry> readAll(Duration timeout) {
    TopicPartition partition = new TopicPartition(topic, 0);
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.CLIENT_ID_CONFIG,
            "fhirflow-dev-registry-replay");
    List<LogEntry> entries = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (consumer.position(partition, timeout) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("replaying " + topic + " timed out");
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          decode(record.key(), record.value()).ifPresent(entries::add);
        }
      }
    }
    return entries;
  }

  /** Writes an entry and waits until the broker has it (acks=all). */
  void append(LogEntry entry, Duration timeout) {
    try {
      producer
          .send(new ProducerRecord<>(topic, key(entry), value(entry)))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw RegistryException.storeError("could not write to " + topic);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryException.storeError("interrupted");
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  static String key(LogEntry entry) {
    ObjectNode key = JSON.createObjectNode();
    if (entry instanceof LogEntry.SchemaEntry s) {
      key.put("keytype", "SCHEMA");
      key.put("subject", s.subject());
      key.put("version", s.version());
      key.put("magic", 1);
    } else if (entry instanceof LogEntry.ConfigEntry c) {
      key.put("keytype", "CONFIG");
      key.put("subject", c.subject());
      key.put("magic", 0);
    }
    return key.toString();
  }

  /** The record value; null (a tombstone) when a subject's own level is removed. */
  static String value(LogEntry entry) {
    ObjectNode value = JSON.createObjectNode();
    if (entry instanceof LogEntry.SchemaEntry s) {
      value.put("subject", s.subject());
      value.put("version", s.version());
      value.put("id", s.id());
      value.put("schema", s.schema());
      value.put("deleted", false);
    } else if (entry instanceof LogEntry.ConfigEntry c) {
      if (c.level() == null) {
        return null;
      }
      value.put("compatibilityLevel", c.level().name());
    }
    return value.toString();
  }

  /**
   * Entries we do not write (NOOP, DELETE_SUBJECT, soft-deleted versions, other schema types) are
   * skipped.
   */
  static Optional<LogEntry> decode(String key, String value) {
    try {
      JsonNode k = JSON.readTree(key);
      String subject = k.path("subject").isNull() ? null : k.path("subject").asText(null);
      switch (k.path("keytype").asText("")) {
        case "SCHEMA":
          if (value == null) {
            return Optional.empty();
          }
          JsonNode v = JSON.readTree(value);
          // Soft-deleted versions and non-Avro schemas (a topic shared with a real registry) are
          // not ours to serve.
          if (v.path("deleted").asBoolean(false)
              || !v.path("schemaType").asText("AVRO").equals("AVRO")) {
            return Optional.empty();
          }
          return Optional.of(
              new LogEntry.SchemaEntry(
                  v.path("subject").asText(),
                  v.path("version").asInt(),
                  v.path("id").asInt(),
                  v.path("schema").asText()));
        case "CONFIG":
          CompatibilityLevel level =
              value == null
                  ? null
                  : CompatibilityLevel.parse(
                      JSON.readTree(value).path("compatibilityLevel").asText());
          return Optional.of(new LogEntry.ConfigEntry(subject, level));
        default:
          return Optional.empty();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("skipping an unreadable registry record ({})", e.getClass().getSimpleName());
      return Optional.empty();
    }
  }
}
