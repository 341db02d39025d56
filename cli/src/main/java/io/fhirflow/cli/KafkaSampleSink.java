package io.fhirflow.cli;

import io.fhirflow.cli.output.DeadLetter;
import io.fhirflow.cli.output.SampleSink;
import io.fhirflow.contracts.DeadLetterHeaders;
import io.fhirflow.schema.WearableSample;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Sends samples to the raw topic in the Confluent wire format and dead letters to the DLQ topic.
 *
 * <p>One byte-array producer serves both: samples are serialized here with the configured
 * serializer, so the simulator can also send deliberately broken bytes. The producer is idempotent
 * with {@code acks=all}; sends are asynchronous and a full buffer blocks, which keeps memory
 * constant however large the input. A failed send is remembered and fails {@link #flush}. {@link
 * #onTopic} gives a sink to another raw topic (a tenant's) on the same producer.
 */
public final class KafkaSampleSink implements SampleSink {

  private final Producer<String, byte[]> producer;
  private final Serializer<WearableSample> serializer;
  private final String topic;
  private final String dlqTopic;
  private final Clock clock;
  private final AtomicLong failed;
  private final AtomicReference<Exception> firstFailure;
  private final Callback callback;

  /** False for a sink {@link #onTopic} made: the producer is its owner's to close. */
  private final boolean ownsProducer;

  KafkaSampleSink(
      Producer<String, byte[]> producer,
      Serializer<WearableSample> serializer,
      String topic,
      String dlqTopic,
      Clock clock) {
    this(
        producer,
        serializer,
        topic,
        dlqTopic,
        clock,
        new AtomicLong(),
        new AtomicReference<>(),
        true);
  }

  private KafkaSampleSink(
      Producer<String, byte[]> producer,
      Serializer<WearableSample> serializer,
      String topic,
      String dlqTopic,
      Clock clock,
      AtomicLong failed,
      AtomicReference<Exception> firstFailure,
      boolean ownsProducer) {
    this.producer = producer;
    this.serializer = serializer;
    this.topic = topic;
    this.dlqTopic = dlqTopic;
    this.clock = clock;
    this.failed = failed;
    this.firstFailure = firstFailure;
    this.ownsProducer = ownsProducer;
    this.callback =
        (metadata, exception) -> {
          if (exception != null) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, exception);
          }
        };
  }

  /**
   * A sink to {@code rawTopic} on this sink's producer and serializer (the simulator's tenants: one
   * producer, a raw topic per tenant). Failures count for both; closing it leaves the producer
   * open, closing this sink closes it.
   */
  public KafkaSampleSink onTopic(String rawTopic) {
    return new KafkaSampleSink(
        producer, serializer, rawTopic, dlqTopic, clock, failed, firstFailure, false);
  }

  /** A sink with its own producer and serializer, both configured from the options. */
  @SuppressWarnings("unchecked")
  public static KafkaSampleSink create(KafkaOptions options, Clock clock) {
    Map<String, Object> config = new HashMap<>(options.producerConfig());
    config.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
    config.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
    config.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "fhirflow-cli");
    Serializer<WearableSample> serializer;
    try {
      serializer = Utils.newInstance(options.valueSerializer(), Serializer.class);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "value serializer class not found: " + options.valueSerializer(), e);
    }
    serializer.configure(config, false);
    Producer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    return new KafkaSampleSink(producer, serializer, options.topic(), options.dlqTopic(), clock);
  }

  @Override
  public void send(WearableSample sample) {
    byte[] value = serializer.serialize(topic, sample);
    producer.send(new ProducerRecord<>(topic, sample.getUserId(), value), callback);
  }

  @Override
  public void sendRaw(String key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, key, value), callback);
  }

  @Override
  public void deadLetter(DeadLetter letter) {
    RecordHeaders headers = new RecordHeaders();
    header(headers, DeadLetterHeaders.STAGE, letter.stage());
    header(headers, DeadLetterHeaders.REASON, letter.reason());
    header(headers, DeadLetterHeaders.ERROR_CLASS, letter.errorClass());
    header(headers, DeadLetterHeaders.SOURCE_TOPIC, letter.sourceName());
    header(headers, DeadLetterHeaders.SOURCE_PARTITION, "-1");
    header(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(letter.sourceLine()));
    header(headers, DeadLetterHeaders.SOURCE_LINE, Long.toString(letter.sourceLine()));
    header(headers, DeadLetterHeaders.TIME, clock.instant().toString());
    producer.send(
        new ProducerRecord<>(dlqTopic, null, null, letter.key(), letter.value(), headers),
        callback);
  }

  private static void header(RecordHeaders headers, String key, String value) {
    headers.add(key, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
  }

  /** Records whose send failed so far. */
  public long failed() {
    return failed.get();
  }

  @Override
  public void flush() {
    producer.flush();
    if (failed.get() > 0) {
      Exception first = firstFailure.get();
      throw new IllegalStateException(
          failed.get()
              + " records could not be sent; first error: "
              + first.getClass().getSimpleName()
              + ": "
              + first.getMessage(),
          first);
    }
  }

  @Override
  public void close() {
    if (ownsProducer) {
      producer.close();
      serializer.close();
    }
  }
}
