package io.fhirflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.mapping.FhirResource;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmitOnChangeProcessorTest {

  private final MockProcessorContext<String, String> context = new MockProcessorContext<>();
  private final EmitOnChangeProcessor processor = new EmitOnChangeProcessor("hashes");

  @BeforeEach
  void init() {
    KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("hashes"), Serdes.String(), Serdes.ByteArray())
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    processor.init(context);
  }

  @Test
  void passesAResourceOnTheFirstTimeItsIdIsSeen() {
    processor.process(record("d1", "{\"a\":1}"));

    assertThat(context.forwarded().stream().map(f -> (String) f.record().key()).toList()).containsExactly("d1");
  }

  @Test
  void dropsTheSameContentForTheSameIdAgain() {
    processor.process(record("d1", "{\"a\":1}"));
    processor.process(record("d1", "{\"a\":1}"));

    assertThat(context.forwarded()).hasSize(1);
  }

  @Test
  void passesItAgainWhenItsContentChanges() {
    processor.process(record("d1", "{\"a\":1}"));
    processor.process(record("d1", "{\"a\":2}"));
    processor.process(record("d2", "{\"a\":2}"));

    assertThat(context.forwarded().stream().map(f -> (String) f.record().value()).toList())
        .containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":2}");
  }

  private static Record<String, FhirResource> record(String id, String json) {
    return new Record<>(id, new FhirResource("Device", id, json), 0L);
  }
}
