package io.fhirflow.bench.tenants;

import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SpecificAvroSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A tenant's gateway: a producer logged in with the credential {@code fhirflow tenant add} made,
 * writing samples to that tenant's raw topic keyed by user, as a gateway does.
 */
final class Gateway implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final SpecificAvroSerializer<WearableSample> serializer;

  /**
   * @param client the gateway's client settings (bootstrap servers and its SASL login)
   * @param producerSettings producer settings on top of them
   */
  Gateway(
      Map<String, Object> client,
      Map<String, Object> producerSettings,
      String topic,
      SpecificAvroSerializer<WearableSample> serializer) {
    Map<String, Object> config = new HashMap<>(client);
    config.putAll(producerSettings);
    this.producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    this.topic = topic;
    this.serializer = serializer;
  }

  void send(WearableSample sample, Callback callback) {
    producer.send(
        new ProducerRecord<>(
            topic,
            sample.getUserId().getBytes(StandardCharsets.UTF_8),
            serializer.serialize(topic, sample)),
        callback);
  }

  /** The largest value of a producer-wide metric ({@code producer-metrics}); 0 if it has none. */
  double metric(String name) {
    return producer.metrics().entrySet().stream()
        .filter(e -> e.getKey().group().equals("producer-metrics"))
        .filter(e -> e.getKey().name().equals(name))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
        .filter(v -> !Double.isNaN(v))
        .max()
        .orElse(0);
  }

  void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }
}
