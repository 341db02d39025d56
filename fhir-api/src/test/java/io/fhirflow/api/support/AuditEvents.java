package io.fhirflow.api.support;

import static org.awaitility.Awaitility.await;

import io.fhirflow.testkit.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the AuditEvents an API published on its (one-partition) audit topic, by request id. */
public final class AuditEvents implements AutoCloseable {

  private final KafkaConsumer<String, String> consumer;
  private final Map<String, String> seen = new ConcurrentHashMap<>();
  private final AtomicReference<String> first = new AtomicReference<>();

  public AuditEvents(KafkaBroker broker, String topic) {
    consumer =
        new KafkaConsumer<>(
            broker.consumerProps("audit-events-" + topic),
            new StringDeserializer(),
            new StringDeserializer());
    TopicPartition p = new TopicPartition(topic, 0);
    consumer.assign(List.of(p));
    consumer.seekToBeginning(List.of(p));
  }

  /**
   * The AuditEvent JSON of the request that answered with {@code requestId} (waits up to 30 s for
   * it).
   */
  public synchronized String forRequest(String requestId) {
    readUntil(() -> seen.containsKey(requestId));
    return seen.get(requestId);
  }

  /** The first AuditEvent JSON on the topic, whatever its key (waits up to 30 s for one). */
  public synchronized String first() {
    readUntil(() -> first.get() != null);
    return first.get();
  }

  private void readUntil(Callable<Boolean> done) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                seen.put(r.key(), r.value());
                first.compareAndSet(null, r.value());
              }
              return done.call();
            });
  }

  @Override
  public void close() {
    consumer.close();
  }
}
