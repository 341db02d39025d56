package io.fhirflow.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SpecificAvroDeserializer;
import io.fhirflow.testkit.WearableSamples;
import io.fhirflow.topology.dedupe.DedupProcessor;
import io.fhirflow.topology.metrics.MetricsProcessor;
import java.util.Map;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 5: only bad data is dead-lettered. A store that cannot write, a registry that
 * cannot answer, an interrupt: the record fails (the application replaces the stream thread and
 * retries it from the last commit), nothing reaches the dead-letter topic, and once the fault
 * clears the same record is processed like any other.
 */
class FaultIsNotBadDataTest {

  private TopologyHarness flow;

  @AfterEach
  void close() {
    Thread.interrupted();
    if (flow != null) {
      flow.close();
    }
  }

  @Test
  void
      aStoreThatCannotWriteFailsTheRecordInsteadOfDeadLetteringItAndTheRecordFlowsOnceTheDiskIsBack() {
    FailingStores stores = new FailingStores();
    flow = new TopologyHarness(Map.of(), stores, d -> d);
    WearableSample hr = WearableSamples.healthKitHeartRate().build();

    for (String store :
        new String[] {
          DedupProcessor.STORE, FhirFlowTopology.PATIENT_HASHES, MetricsProcessor.LATEST_STORE
        }) {
      stores.failing = store;
      assertThatThrownBy(() -> flow.send(hr)).as(store).isInstanceOf(RuntimeException.class);
      assertThat(flow.deadLetters.isEmpty()).as("dead letters after a fault of " + store).isTrue();
      assertThat(flow.counters.deadLetteredCount()).isZero();
    }

    stores.failing = null;
    flow.observations
        .readRecordsToList(); // what a failed attempt sent is aborted with its transaction in
    // production
    flow.patients.readRecordsToList();
    flow.send(hr);
    assertThat(flow.observations.readRecordsToList()).hasSize(1);
    assertThat(flow.flushedRedisValues())
        .containsKey(TopologyHarness.latestField(patientOf(hr), "heart_rate"));
    assertThat(flow.deadLetters.isEmpty()).isTrue();
  }

  @Test
  void aRegistryThatCannotBeReachedFailsTheRecordAndItFlowsOnceTheRegistryIsBack() {
    Outage outage = new Outage(unreachableRegistry());
    flow = new TopologyHarness(Map.of(), d -> d, outage.around());
    WearableSample hr = WearableSamples.healthKitHeartRate().build();

    assertThatThrownBy(() -> flow.send(hr)).isInstanceOf(RuntimeException.class);
    assertThat(flow.deadLetters.isEmpty()).isTrue();

    outage.down = null;
    flow.send(hr);
    assertThat(flow.observations.readRecordsToList()).hasSize(1);
    assertThat(flow.deadLetters.isEmpty()).isTrue();
  }

  @Test
  void anInterruptWhileTheRegistryIsAskedIsNotACorruptBody() {
    Outage outage =
        new Outage(
            new Deserializer<>() {
              @Override
              public WearableSample deserialize(String topic, byte[] data) {
                throw new InterruptException(new InterruptedException("shutting down"));
              }
            });
    flow = new TopologyHarness(Map.of(), d -> d, outage.around());
    WearableSample hr = WearableSamples.healthKitHeartRate().build();

    assertThatThrownBy(() -> flow.send(hr)).isInstanceOf(RuntimeException.class);
    Thread.interrupted();
    assertThat(flow.deadLetters.isEmpty()).as("an interrupt is not CORRUPT_BODY").isTrue();

    outage.down = null;
    flow.send(hr);
    assertThat(flow.observations.readRecordsToList()).hasSize(1);
  }

  private static String patientOf(WearableSample sample) {
    return ((io.fhirflow.mapping.Mapped) TopologyHarness.MAPPER.map(sample, false)).patient().id();
  }

  private static Deserializer<WearableSample> unreachableRegistry() {
    SpecificAvroDeserializer<WearableSample> d =
        new SpecificAvroDeserializer<>(WearableSample.class);
    d.configure(
        Map.of("schema.registry.url", "http://127.0.0.1:1"), false); // nothing listens there
    return d;
  }

  /** Decodes with {@code down} while it is set, then with the harness's own deserializer. */
  private static final class Outage {
    volatile Deserializer<WearableSample> down;

    Outage(Deserializer<WearableSample> down) {
      this.down = down;
    }

    java.util.function.UnaryOperator<Deserializer<WearableSample>> around() {
      return real ->
          new Deserializer<>() {
            @Override
            public WearableSample deserialize(String topic, byte[] data) {
              Deserializer<WearableSample> d = down;
              return (d != null ? d : real).deserialize(topic, data);
            }

            @Override
            public WearableSample deserialize(String topic, Headers headers, byte[] data) {
              Deserializer<WearableSample> d = down;
              return (d != null ? d : real).deserialize(topic, headers, data);
            }
          };
    }
  }
}
