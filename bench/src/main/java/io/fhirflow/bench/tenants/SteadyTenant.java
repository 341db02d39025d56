package io.fhirflow.bench.tenants;

import io.fhirflow.bench.topology.SampleGenerator;
import io.fhirflow.cli.broker.TopicTail;
import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SpecificAvroSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The steady tenant: its gateway sends samples at a fixed rate, and a read_committed consumer of
 * the Observation topic times each from its send to its first Observation committed, matched by the
 * {@code fhirflow.tenant} and {@code fhirflow.sourceRecordId} headers the topology sets. All times
 * are this JVM's monotonic clock. One generator for the whole run, so no record id repeats.
 */
final class SteadyTenant implements AutoCloseable {

  private final String tenant;
  private final SampleGenerator generator;
  private final Gateway gateway;
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();

  /** {send nanos, latency nanos} of the samples whose Observation was seen. */
  private final ConcurrentLinkedQueue<long[]> seen = new ConcurrentLinkedQueue<>();

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread reader;

  /**
   * @param gateway the tenant's gateway client settings (bootstrap servers, its SASL login)
   * @param observer client settings that may read the Observation topic
   */
  SteadyTenant(
      String tenant,
      String topic,
      Map<String, Object> gateway,
      Map<String, Object> observer,
      SpecificAvroSerializer<WearableSample> serializer,
      SampleGenerator generator)
      throws InterruptedException {
    this.tenant = tenant;
    this.generator = generator;
    this.gateway =
        new Gateway(
            gateway, Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), topic, serializer);
    CountDownLatch positioned = new CountDownLatch(1);
    reader = new Thread(() -> read(observer, positioned), "fairness-observations");
    reader.setDaemon(true);
    reader.start();
    if (!positioned.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the Observation topic's end was not found in 60 s");
    }
  }

  /** Sends {@code rate} samples a second for {@code seconds}, paced from the start. */
  void send(int rate, int seconds) throws InterruptedException {
    long start = System.nanoTime();
    for (long i = 0; i < (long) rate * seconds; i++) {
      long due = start + (long) (i * 1e9 / rate);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      WearableSample s = generator.next();
      sentAt.put(s.getRecordId(), System.nanoTime());
      gateway.send(
          s,
          (metadata, e) -> {
            if (e != null) {
              sentAt.remove(s.getRecordId());
              System.err.println("steady sample not delivered: " + e.getClass().getSimpleName());
            }
          });
    }
  }

  /** Samples sent whose Observation was not seen yet. */
  int pending() {
    return sentAt.size();
  }

  /**
   * The samples sent since {@code phaseStartNanos}, in send order, those never seen as {@link
   * PhaseResult#NOT_SEEN}; forgets them all.
   */
  List<PhaseResult.Sample> collect(long phaseStartNanos) {
    List<PhaseResult.Sample> samples = new ArrayList<>();
    for (long[] s; (s = seen.poll()) != null; ) {
      samples.add(
          new PhaseResult.Sample(
              (s[0] - phaseStartNanos) / 1_000_000, Math.round(s[1] / 1_000_000.0)));
    }
    for (Long at : sentAt.values()) {
      samples.add(new PhaseResult.Sample((at - phaseStartNanos) / 1_000_000, PhaseResult.NOT_SEEN));
    }
    sentAt.clear();
    samples.sort(Comparator.comparingLong(PhaseResult.Sample::sentMs));
    return samples;
  }

  private void read(Map<String, Object> observer, CountDownLatch positioned) {
    Map<String, Object> config = new HashMap<>(observer);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicTail.assignAtEnd(consumer, PipelineTopic.Names.OBSERVATION);
      positioned.countDown();
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
          long now = System.nanoTime();
          if (!tenant.equals(header(r, FhirRecordHeaders.TENANT))) {
            continue;
          }
          String recordId = header(r, FhirRecordHeaders.SOURCE_RECORD_ID);
          Long at = recordId == null ? null : sentAt.remove(recordId);
          if (at != null) {
            seen.add(new long[] {at, now - at});
          }
        }
      }
    }
  }

  private static String header(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    reader.join(10_000);
    gateway.close();
  }
}
