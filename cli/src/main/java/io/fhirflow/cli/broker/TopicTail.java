package io.fhirflow.cli.broker;

import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer that reads what is written to a topic from now on: {@code erase} waiting for its
 * AuditEvent, and the benchmarks' latency probes.
 */
public final class TopicTail {

  private TopicTail() {}

  /**
   * Assigns every partition of {@code topic} to {@code consumer} and moves it to their ends now
   * (the position is looked up here, not lazily at the first poll, so nothing written after this
   * call is skipped).
   */
  public static void assignAtEnd(Consumer<?, ?> consumer, String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
  }
}
