package io.fhirflow.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.testkit.KafkaBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The topics `bin/stack up` creates, on a real broker. */
class StackTopicsIT {

  @Test
  void theRawTopicIgnoresATimestampAProducerStampedThirtyDaysAhead() throws Exception {
    String raw = KafkaBroker.uniqueTopic("raw");
    try (KafkaBroker broker = KafkaBroker.start()) {
      StackTopics.createMissing(
          broker.bootstrapServers(),
          List.of(new StackTopics.Topic(raw, false, PipelineTopic.RAW.brokerStampsTime())),
          1,
          30_000);
      Instant sent = Instant.now();
      long forged = sent.plus(Duration.ofDays(30)).toEpochMilli();
      Properties producer = broker.producerProps();
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer())) {
        p.send(new ProducerRecord<>(raw, null, forged, "user-1", "sample")).get();
      }
      try (KafkaConsumer<String, String> c =
          new KafkaConsumer<>(
              broker.consumerProps("stack-topics-it"),
              new StringDeserializer(),
              new StringDeserializer())) {
        c.subscribe(List.of(raw));
        ConsumerRecord<String, String> record = null;
        for (int i = 0; i < 60 && record == null; i++) {
          var records = c.poll(Duration.ofMillis(500));
          record = records.isEmpty() ? null : records.iterator().next();
        }
        assertThat(record).isNotNull();
        assertThat(record.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(record.timestamp()).isLessThan(sent.plus(Duration.ofMinutes(5)).toEpochMilli());
      }
    }
  }
}
