package io.fhirflow.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.BrokerPerClass;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.testkit.WearableSamples;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The serde configured by class name in real Kafka clients, against a real broker and an HTTP
 * registry.
 */
class SerdeKafkaIT {

  @RegisterExtension static final BrokerPerClass kafka = new BrokerPerClass();
  private static ConfluentRegistryServer registry;

  @BeforeAll
  static void start() throws Exception {
    registry = new ConfluentRegistryServer("fhirflow:s3cret-pw");
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  private static Properties withRegistry(Properties props) {
    props.put(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
    props.put(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, "USER_INFO");
    props.put(SerdeConfig.BASIC_AUTH_USER_INFO_CONFIG, "fhirflow:s3cret-pw");
    return props;
  }

  private static KafkaConsumer<String, WearableSample> consumer(String topic) {
    Properties props = withRegistry(kafka.broker().consumerProps(KafkaBroker.uniqueTopic("group")));
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, SpecificAvroDeserializer.class.getName());
    props.put(SerdeConfig.SPECIFIC_AVRO_VALUE_TYPE_CONFIG, WearableSample.class.getName());
    KafkaConsumer<String, WearableSample> consumer = new KafkaConsumer<>(props);
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  @Test
  void producerAndConsumerConfiguredByClassNameRoundTripEverySampleKind() throws Exception {
    String topic = KafkaBroker.uniqueTopic(PipelineTopic.Names.RAW);
    kafka.broker().createTopics(1, topic);
    Properties props = withRegistry(kafka.broker().producerProps());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, SpecificAvroSerializer.class.getName());
    List<WearableSample> sent = WearableSamples.oneOfEachKind();
    try (KafkaProducer<String, WearableSample> producer = new KafkaProducer<>(props)) {
      for (WearableSample sample : sent) {
        producer.send(new ProducerRecord<>(topic, sample.getUserId(), sample)).get();
      }
    }

    List<WearableSample> received = new ArrayList<>();
    try (KafkaConsumer<String, WearableSample> consumer = consumer(topic)) {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
                return received.size() >= sent.size();
              });
    }

    assertThat(received).containsExactlyElementsOf(sent);
  }

  @Test
  void aBadRecordNamesItsCoordinatesAndTheConsumerCanSkipIt() throws Exception {
    String topic = KafkaBroker.uniqueTopic(PipelineTopic.Names.RAW);
    kafka.broker().createTopics(1, topic);
    SpecificAvroSerializer<WearableSample> serializer = new SpecificAvroSerializer<>();
    serializer.configure(
        withRegistry(new Properties()).entrySet().stream()
            .collect(
                java.util.stream.Collectors.toMap(e -> (String) e.getKey(), e -> e.getValue())),
        false);
    WearableSample first = WearableSamples.healthKitHeartRate().build();
    WearableSample last = WearableSamples.healthConnectSteps().build();
    Properties props = kafka.broker().producerProps();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
      producer
          .send(new ProducerRecord<>(topic, "user-0001", serializer.serialize(topic, first)))
          .get();
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  "user-0001",
                  "{\"bpm\":72}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          .get();
      producer
          .send(new ProducerRecord<>(topic, "user-0001", serializer.serialize(topic, last)))
          .get();
    }

    List<WearableSample> received = new ArrayList<>();
    List<BadRecordException> rejected = new ArrayList<>();
    try (KafkaConsumer<String, WearableSample> consumer = consumer(topic)) {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> {
                try {
                  for (ConsumerRecord<String, WearableSample> r :
                      consumer.poll(Duration.ofMillis(200))) {
                    received.add(r.value());
                  }
                } catch (RecordDeserializationException e) {
                  rejected.add(BadRecordException.in(e).orElseThrow());
                  consumer.seek(e.topicPartition(), e.offset() + 1);
                }
                return received.size() + rejected.size() >= 3;
              });
    }

    assertThat(received).containsExactly(first, last);
    assertThat(rejected)
        .singleElement()
        .satisfies(
            bad -> {
              assertThat(bad).isInstanceOf(NotWireFormatException.class);
              assertThat(bad.getMessage())
                  .contains("topic=" + topic, "partition=0", "offset=1", "reason=NOT_WIRE_FORMAT")
                  .doesNotContain("bpm");
            });
  }
}
