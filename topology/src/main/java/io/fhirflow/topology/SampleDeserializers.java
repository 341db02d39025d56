package io.fhirflow.topology;

import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SpecificAvroDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The raw topic's value deserializer (Confluent wire format, from fhirflow-serde), configured from
 * our config.
 */
final class SampleDeserializers {

  private SampleDeserializers() {}

  static Deserializer<WearableSample> create(TopologyConfig config) {
    SpecificAvroDeserializer<WearableSample> d =
        new SpecificAvroDeserializer<>(WearableSample.class);
    d.configure(config.serdeConfig(), false);
    return d;
  }
}
