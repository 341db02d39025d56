package io.fhirflow.bench.topology;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The ceiling: a Kafka Streams exactly_once_v2 application that copies the raw topic's bytes to
 * another topic and does nothing else, with the same threads, commit interval and producer settings
 * as the topology. Whatever it reaches, the topology cannot exceed on this broker.
 */
final class PassThroughApp implements AutoCloseable {

  private final AtomicLong processed = new AtomicLong();
  private final KafkaStreams streams;

  /**
   * @param streamsDefaults true: Kafka Streams' own producer defaults (no compression, 16 KiB
   *     batches) instead of the topology's producer settings, to show how far the ceiling moves
   *     with them
   */
  PassThroughApp(
      String bootstrap,
      String from,
      String to,
      int threads,
      int commitIntervalMs,
      String stateDir,
      boolean streamsDefaults) {
    StreamsBuilder b = new StreamsBuilder();
    b.stream(from, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .peek((k, v) -> processed.incrementAndGet())
        .to(to, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    streams =
        new KafkaStreams(
            b.build(),
            CeilingStreamsProperties.of(
                "bench-pass-through-",
                bootstrap,
                threads,
                commitIntervalMs,
                stateDir,
                streamsDefaults));
    streams.start();
  }

  long processed() {
    return processed.get();
  }

  @Override
  public void close() {
    streams.close();
  }
}
