package io.fhirflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

  @Test
  void roundTripsATransactionalRecordThroughARealBroker() {
    try (KafkaBroker broker = KafkaBroker.start()) {
      String topic = KafkaBroker.uniqueTopic("smoke");
      broker.createTopics(1, topic);
      Properties pp = broker.producerProps();
      pp.put("transactional.id", "smoke-tx");
      try (var producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, "k", "v"));
        producer.commitTransaction();
      }
      try (var consumer =
          new KafkaConsumer<>(
              broker.consumerProps("g"), new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of(topic));
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (seen.isEmpty() && System.nanoTime() < deadline) {
          consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
        assertThat(seen).extracting(ConsumerRecord::value).containsExactly("v");
      }
    }
  }
}
