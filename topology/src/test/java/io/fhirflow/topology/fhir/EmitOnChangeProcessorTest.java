package io.fhirflow.topology.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.mapping.FhirResource;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmitOnChangeProcessorTest {

  private final MockProcessorContext<String, String> context = new MockProcessorContext<>();
  private EmitOnChangeProcessor processor;

  @BeforeEach
  void init() {
    processor = withHashStore(context);
  }

  /** A processor initialised on {@code context}, its in-memory "hashes" store registered there. */
  private static EmitOnChangeProcessor withHashStore(MockProcessorContext<String, String> context) {
    KeyValueStore<String, byte[]> store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("hashes"), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    EmitOnChangeProcessor p = new EmitOnChangeProcessor("hashes");
    p.init(context);
    return p;
  }

  @Test
  void passesAResourceOnTheFirstTimeItsIdIsSeen() {
    processor.process(record("d1", "{\"a\":1}"));

    assertThat(context.forwarded().stream().map(f -> (String) f.record().key()).toList())
        .containsExactly("d1");
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

  @Test
  void aResourceWhoseOutputFailedIsPassedWithTheNextSampleOfTheSameUser() {
    FailingOnce failing = new FailingOnce();
    EmitOnChangeProcessor p = withHashStore(failing);

    failing.failNextForward = true;
    assertThatThrownBy(() -> p.process(record("p1", "{\"a\":1}")))
        .isInstanceOf(IllegalStateException.class);
    p.process(record("p1", "{\"a\":1}"));

    assertThat(failing.forwarded()).hasSize(1);
  }

  @Test
  void aResourceWhoseHashCouldNotBeStoredIsPassedAgainRatherThanForgotten() {
    FailingOnce failing = new FailingOnce();
    EmitOnChangeProcessor p = new EmitOnChangeProcessor("hashes");
    KeyValueStore<String, byte[]> store =
        new ThrowingPutStore(
            Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore("hashes"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled()
                .build());
    store.init(failing.getStateStoreContext(), store);
    failing.addStateStore(store);
    p.init(failing);

    assertThatThrownBy(() -> p.process(record("p1", "{\"a\":1}")))
        .isInstanceOf(ProcessorStateException.class);
    ((ThrowingPutStore) store).fail = false;
    p.process(record("p1", "{\"a\":1}"));

    assertThat(failing.forwarded())
        .as("passed on the failed attempt and again on the next")
        .hasSize(2);
  }

  /** A context whose forward fails once, as a send does when the producer already failed. */
  private static final class FailingOnce extends MockProcessorContext<String, String> {
    boolean failNextForward;

    @Override
    public <K extends String, V extends String> void forward(Record<K, V> record) {
      if (failNextForward) {
        failNextForward = false;
        throw new IllegalStateException("send failed");
      }
      super.forward(record);
    }
  }

  /** An in-memory store whose puts fail (a full disk) while {@code fail} is set. */
  private static final class ThrowingPutStore
      extends org.apache.kafka.streams.state.internals.WrappedStateStore<
          KeyValueStore<String, byte[]>, String, byte[]>
      implements KeyValueStore<String, byte[]> {
    boolean fail = true;

    ThrowingPutStore(KeyValueStore<String, byte[]> inner) {
      super(inner);
    }

    @Override
    public void put(String key, byte[] value) {
      if (fail) {
        throw new ProcessorStateException("No space left on device");
      }
      wrapped().put(key, value);
    }

    @Override
    public byte[] putIfAbsent(String key, byte[] value) {
      return wrapped().putIfAbsent(key, value);
    }

    @Override
    public void putAll(java.util.List<org.apache.kafka.streams.KeyValue<String, byte[]>> entries) {
      wrapped().putAll(entries);
    }

    @Override
    public byte[] delete(String key) {
      return wrapped().delete(key);
    }

    @Override
    public byte[] get(String key) {
      return wrapped().get(key);
    }

    @Override
    public org.apache.kafka.streams.state.KeyValueIterator<String, byte[]> range(
        String from, String to) {
      return wrapped().range(from, to);
    }

    @Override
    public org.apache.kafka.streams.state.KeyValueIterator<String, byte[]> all() {
      return wrapped().all();
    }

    @Override
    public long approximateNumEntries() {
      return wrapped().approximateNumEntries();
    }
  }

  private static Record<String, FhirResource> record(String id, String json) {
    return new Record<>(id, new FhirResource("Device", id, json), 0L);
  }
}
