package io.fhirflow.bench.tenants;

import io.fhirflow.bench.topology.SampleGenerator;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SpecificAvroSerializer;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The flooding tenant's gateway: sends a backlog of samples to its tenant's raw topic as fast as
 * its producer (or its quota) lets it, logged in with the gateway credential {@code fhirflow tenant
 * add} made. At most {@link #OUTSTANDING} samples wait unacknowledged, as a gateway's bounded
 * buffer: under a quota the producer's own queue would otherwise hold the whole backlog and let its
 * oldest batches expire ({@code delivery.timeout.ms}).
 */
final class Flood implements AutoCloseable {

  /**
   * What the flooding producer achieved.
   *
   * @param ratePastBurst samples per second acknowledged after {@link #markBurstEnd}, NaN if not
   *     marked or nothing was acknowledged after it
   */
  record Stats(long acked, double seconds, double bytes, long throttleMaxMs, double ratePastBurst) {

    static final Stats NONE = new Stats(0, 0, 0, 0, Double.NaN);

    /** Acknowledged samples per second, first send to last acknowledgement. */
    double samplesPerSecond() {
      return seconds > 0 ? acked / seconds : 0;
    }

    /** Bytes on the wire per second (the producer's requests, which the broker's quota counts). */
    double bytesPerSecond() {
      return seconds > 0 ? bytes / seconds : 0;
    }

    /** Bytes on the wire per acknowledged sample: lz4-compressed batches plus request overhead. */
    double bytesPerSample() {
      return acked > 0 ? bytes / acked : Double.NaN;
    }
  }

  static final int OUTSTANDING = 20_000;

  private final Gateway gateway;
  private final Semaphore outstanding = new Semaphore(OUTSTANDING);
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Thread sender;
  private volatile boolean allSent;
  private volatile long firstSendNanos;
  private volatile long lastAckNanos;
  private long throttleMaxMs;
  private long burstEndNanos = -1;
  private long ackedAtBurstEnd;

  /**
   * Starts sending {@code samples} samples from {@code generator} to {@code topic}.
   *
   * @param client the gateway's client settings (bootstrap servers and its SASL login)
   * @param batchBytes the producer's {@code batch.size}: the importer's 256 KiB, or less. Under a
   *     quota the broker lets a throttled producer send one request (up to {@code
   *     max.request.size}, a batch per partition) after each throttle, so the flood arrives in
   *     lumps of about that size.
   */
  Flood(
      Map<String, Object> client,
      String topic,
      SpecificAvroSerializer<WearableSample> serializer,
      SampleGenerator generator,
      int samples,
      int batchBytes) {
    gateway =
        new Gateway(
            client,
            Map.of(
                // A bulk upload's settings: fhirflow's importer's (KafkaSampleSink) by default.
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, batchBytes,
                // Under a quota a batch may wait its turn for a while; it must not expire
                // meanwhile.
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000),
            topic,
            serializer);
    sender = new Thread(() -> send(generator, samples), "fairness-flood-" + topic);
    sender.setDaemon(true);
    sender.start();
  }

  private void send(SampleGenerator generator, int samples) {
    firstSendNanos = System.nanoTime();
    try {
      for (int i = 0; i < samples && !stop.get(); i++) {
        while (!outstanding.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          if (stop.get()) {
            return;
          }
        }
        gateway.send(
            generator.next(),
            (metadata, e) -> {
              if (e == null) {
                acked.incrementAndGet();
                lastAckNanos = System.nanoTime();
              } else {
                failed.incrementAndGet();
              }
              outstanding.release();
            });
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      allSent = true;
    }
  }

  /** Samples acknowledged so far. */
  long acked() {
    return acked.get();
  }

  /** Whether every sample it will send has been sent and answered; the time of the last answer. */
  boolean finished() {
    return allSent && outstanding.availablePermits() == OUTSTANDING;
  }

  long lastAckNanos() {
    return lastAckNanos;
  }

  /**
   * From now on the broker no longer lets the flood use its quota's initial allowance: what is
   * acknowledged after this point is the throttled rate.
   */
  void markBurstEnd() {
    ackedAtBurstEnd = acked.get();
    burstEndNanos = System.nanoTime();
  }

  /**
   * Stops sending (what was sent is still delivered) and returns what it achieved; the throttle
   * time is read before the queue drains, while the broker still throttles.
   */
  Stats stop() throws InterruptedException {
    stop.set(true);
    sender.join();
    throttleMaxMs = (long) gateway.metric("produce-throttle-time-max");
    gateway.flush();
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " flood samples were not delivered");
    }
    double pastBurst =
        burstEndNanos < 0 || lastAckNanos <= burstEndNanos
            ? Double.NaN
            : (acked.get() - ackedAtBurstEnd) / ((lastAckNanos - burstEndNanos) / 1e9);
    return new Stats(
        acked.get(),
        (lastAckNanos - firstSendNanos) / 1e9,
        gateway.metric("outgoing-byte-total"),
        throttleMaxMs,
        pastBurst);
  }

  @Override
  public void close() {
    stop.set(true);
    gateway.close();
  }
}
