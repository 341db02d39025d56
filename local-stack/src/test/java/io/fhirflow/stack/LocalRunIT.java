package io.fhirflow.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.stack.registry.SchemaRegistryServer;
import io.fhirflow.testkit.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Java side of bin/run-local against a real broker and the development registry. */
class LocalRunIT {

  @Test
  void producesOneSampleAndReadsTheSameSampleBack() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start();
        SchemaRegistryServer registry =
            SchemaRegistryServer.start(broker.bootstrapServers(), "_schemas", 0)) {
      broker.createTopics(3, PipelineTopic.RAW.defaultName());
      ByteArrayOutputStream printed = new ByteArrayOutputStream();

      boolean same =
          new LocalRun(
                  broker.bootstrapServers(),
                  registry.url(),
                  new PrintStream(printed, true, StandardCharsets.UTF_8))
              .run();

      assertThat(same).isTrue();
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .contains("produced   wearable.samples.raw-")
          .contains("schema id 1 (subject wearable.samples.raw-value")
          .contains("result     OK");
    }
  }
}
