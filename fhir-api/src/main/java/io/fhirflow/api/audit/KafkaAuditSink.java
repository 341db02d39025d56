package io.fhirflow.api.audit;

import io.fhirflow.contracts.FhirRecordHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces each request's AuditEvent to Kafka (key = request id) with acks=all and idempotence.
 * Sends are asynchronous; the first failed delivery marks the sink unhealthy and the next delivered
 * one marks it healthy again. While it is down, it also sends an audit-trail check event of its own
 * every {@link #CHECK_INTERVAL}: the requests refused meanwhile are audited too and would bring it
 * back, but an instance that is not ready gets no requests (Kubernetes routes none to it), so
 * without the check it would stay down after the broker returned.
 */
public final class KafkaAuditSink implements AuditSink {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaAuditSink.class);

  /** How long the producer gathers audit events into one batch. */
  static final int LINGER_MS = 50;

  /**
   * A batch's size limit: LINGER_MS of events at 2,000 requests/s (~1.3 KB each before lz4) fit in
   * one batch; Kafka's default of 16 KB would close it after a dozen.
   */
  static final int BATCH_BYTES = 128 * 1024;

  /** How often a down sink sends an audit-trail check (one at a time). */
  static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);

  private final Producer<String, String> producer;
  private final String topic;
  private final AuditEventFactory factory;
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final Counter sent;
  private final Counter failed;
  private final AtomicBoolean checking = new AtomicBoolean(false);
  private final ScheduledExecutorService checker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fhirflow-audit-check");
            t.setDaemon(true);
            return t;
          });

  public KafkaAuditSink(
      Producer<String, String> producer,
      String topic,
      AuditEventFactory factory,
      MeterRegistry meters) {
    this.producer = producer;
    this.topic = topic;
    this.factory = factory;
    this.sent =
        Counter.builder("fhirflow.api.audit.events").tag("outcome", "delivered").register(meters);
    this.failed =
        Counter.builder("fhirflow.api.audit.events").tag("outcome", "failed").register(meters);
    Gauge.builder("fhirflow.api.audit.sink.up", healthy, h -> h.get() ? 1 : 0).register(meters);
    warmUp();
    checker.scheduleWithFixedDelay(
        this::checkIfDown,
        CHECK_INTERVAL.toMillis(),
        CHECK_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Fetches the topic's metadata once so the first requests do not pay for it; a failure starts the
   * sink as down.
   */
  private void warmUp() {
    try {
      producer.partitionsFor(topic);
    } catch (RuntimeException e) {
      lost(e);
    }
  }

  /** A producer for {@code bootstrap}, with the given pass-through properties (TLS/SASL). */
  public static Producer<String, String> producer(
      String bootstrap, Duration deliveryTimeout, Map<String, String> passThrough) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    // One produce request per LINGER_MS rather than one per few requests: the broker's and the
    // sender thread's work is mostly per produce request (BENCHMARKS.md "FHIR API"). A request's
    // response never waits for its audit event, and fail-closed learns of a failure at most
    // LINGER_MS later within the delivery timeout.
    p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(LINGER_MS));
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(BATCH_BYTES));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "fhirflow-fhir-api-audit");
    int timeout = (int) deliveryTimeout.toMillis();
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(timeout));
    // Kafka requires delivery timeout >= linger + request timeout.
    p.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        Integer.toString(Math.min(timeout - LINGER_MS - 10, 30_000)));
    // A request thread never waits long for broker metadata (fetched once at start): the failure is
    // reported instead.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
    p.putAll(passThrough);
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  @Override
  public void publish(AuditRecord record) {
    send(record.requestId(), factory.toJson(record), NOTHING_AFTER);
  }

  /** While down, one audit-trail check at a time; its delivery marks the sink up. */
  private void checkIfDown() {
    if (healthy.get() || !checking.compareAndSet(false, true)) {
      return;
    }
    String id = UUID.randomUUID().toString();
    send(id, factory.auditTrailCheck(id, Instant.now()), () -> checking.set(false));
  }

  /** What a request's own audit event does once delivered or lost: nothing beyond the health. */
  private static final Runnable NOTHING_AFTER = () -> {};

  /** Sends one AuditEvent; {@code done} runs once its fate is known. */
  private void send(String id, String json, Runnable done) {
    ProducerRecord<String, String> r = new ProducerRecord<>(topic, id, json);
    r.headers().add(FhirRecordHeaders.RESOURCE_TYPE, "AuditEvent".getBytes(StandardCharsets.UTF_8));
    r.headers()
        .add(
            FhirRecordHeaders.FHIR_VERSION,
            FhirRecordHeaders.FHIR_VERSION_VALUE.getBytes(StandardCharsets.UTF_8));
    try {
      producer.send(
          r,
          (metadata, error) -> {
            done.run();
            if (error == null) {
              delivered();
            } else {
              lost(error);
            }
          });
    } catch (RuntimeException e) {
      done.run();
      lost(e);
    }
  }

  private void delivered() {
    sent.increment();
    if (!healthy.getAndSet(true)) {
      LOG.info("audit sink up topic={}", topic);
    }
  }

  private void lost(Exception error) {
    failed.increment();
    if (healthy.getAndSet(false)) {
      LOG.error("audit sink down topic={} reason={}", topic, error.getClass().getSimpleName());
    }
  }

  @Override
  public boolean healthy() {
    return healthy.get();
  }

  /** Delivers what is still buffered (bounded by the producer's delivery timeout), then closes. */
  @Override
  public void close() {
    checker.shutdownNow();
    try {
      producer.flush();
    } finally {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
