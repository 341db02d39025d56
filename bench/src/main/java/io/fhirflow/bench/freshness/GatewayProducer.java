package io.fhirflow.bench.freshness;

import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SpecificAvroSerializer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The probes' stand-in for a gateway: a producer of raw samples keyed by user id, configured as
 * docs/serde.md and docs/operations.md tell a gateway (idempotent, acks=all, lz4, the schema
 * registered on first use), plus each probe's own batching.
 */
final class GatewayProducer {

  private GatewayProducer() {}

  /**
   * @param batching the probe's linger (and batch size), on top of the gateway settings
   */
  static KafkaProducer<String, WearableSample> open(
      String bootstrap, String registry, Map<String, String> batching) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put("schema.registry.url", registry);
    config.put("auto.register.schemas", "true");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.putAll(batching);
    SpecificAvroSerializer<WearableSample> serializer = new SpecificAvroSerializer<>();
    serializer.configure(config, false);
    return new KafkaProducer<>(config, new StringSerializer(), serializer);
  }
}
