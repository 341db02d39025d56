package io.fhirflow.topology.ops;

import io.fhirflow.contracts.OpsPort;
import io.fhirflow.contracts.OpsPort.Health;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The process's one operations port ({@link OpsPort}): {@code /health/live} (503 once Streams gave
 * up or the instance stayed stalled past its grace), {@code /health/ready} (200 only while Kafka
 * Streams is RUNNING and every task makes progress: {@link ProgressWatch}) and {@code /metrics}
 * (Prometheus text: the conservation counters, Redis writer outcomes and Kafka Streams' own
 * metrics).
 */
public final class OpsHttpServer implements AutoCloseable {

  private final OpsPort port;

  /**
   * @param progressing false while a task is stalled or threads keep dying: not ready
   * @param alive false once that lasted longer than the grace: not live
   * @param progress a short text for the body
   */
  public OpsHttpServer(
      int port,
      Supplier<KafkaStreams.State> state,
      BooleanSupplier progressing,
      BooleanSupplier alive,
      Supplier<String> progress,
      PrometheusMeterRegistry registry) {
    this.port =
        OpsPort.start(
            port,
            "fhirflow",
            () -> {
              // Alive while the JVM can answer and Streams has not given up for good.
              KafkaStreams.State s = state.get();
              boolean dead =
                  s == KafkaStreams.State.ERROR
                      || s == KafkaStreams.State.NOT_RUNNING
                      || !alive.getAsBoolean();
              return new Health(!dead, s.name() + " " + progress.get());
            },
            () -> {
              // RUNNING is not enough: a task can retry one record forever while Streams stays
              // RUNNING.
              KafkaStreams.State s = state.get();
              return new Health(
                  s == KafkaStreams.State.RUNNING && progressing.getAsBoolean(),
                  s.name() + " " + progress.get());
            },
            registry::scrape);
  }

  public int port() {
    return port.port();
  }

  @Override
  public void close() {
    port.close();
  }
}
