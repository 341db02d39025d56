package io.fhirflow.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for a generated Avro class in Confluent's wire format, e.g. for Kafka Streams:
 *
 * <pre>{@code
 * var serde = new SpecificAvroSerde<>(WearableSample.class);
 * serde.configure(Map.of("schema.registry.url", "http://registry:8081"), false);
 * }</pre>
 *
 * See {@link SpecificAvroSerializer} and {@link SpecificAvroDeserializer} for behaviour and errors.
 */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

  private final SpecificAvroSerializer<T> serializer;
  private final SpecificAvroDeserializer<T> deserializer;
  private final RegistryClientSlot registry;

  public SpecificAvroSerde(Class<T> type) {
    this(type, null);
  }

  /** With a given registry client, which then takes precedence over {@code schema.registry.url}. */
  public SpecificAvroSerde(Class<T> type, SchemaRegistryClient registry) {
    this.registry = new RegistryClientSlot(registry);
    this.serializer = new SpecificAvroSerializer<>(registry);
    this.deserializer = new SpecificAvroDeserializer<>(type, registry);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (registry.configure(new SerdeConfig(configs))) {
      // One client for both halves: one cache, one HTTP connection pool.
      serializer.shareRegistry(registry.client());
      deserializer.shareRegistry(registry.client());
    }
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }

  @Override
  public void close() {
    serializer.close();
    deserializer.close();
    registry.close();
  }
}
