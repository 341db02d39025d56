package io.fhirflow.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.cli.KafkaOptions;
import io.fhirflow.cli.KafkaSampleSink;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.KafkaBroker;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine;

/** Samples sent to a raw topic as the command line's importer and simulator send them. */
public final class CliSamples {

  private CliSamples() {}

  /** Sends {@code samples} to {@code topic} through the command line's sample sink; none fails. */
  public static void send(
      KafkaBroker broker, String registryUrl, String topic, List<WearableSample> samples) {
    KafkaOptions options = new KafkaOptions();
    new CommandLine(options)
        .parseArgs(
            "--bootstrap-servers", broker.bootstrapServers(),
            "--schema-registry-url", registryUrl,
            "--topic", topic);
    try (KafkaSampleSink out = KafkaSampleSink.create(options, Clock.systemUTC())) {
      samples.forEach(out::send);
      out.flush();
      assertThat(out.failed()).isZero();
    }
  }
}
