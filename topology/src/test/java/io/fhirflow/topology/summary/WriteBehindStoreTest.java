package io.fhirflow.topology.summary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The summaries' write-behind store: changed values reach the store below (and its changelog) once
 * per commit, before the commit, and scans and reads see every change.
 */
class WriteBehindStoreTest {

  /** Counts the values written to the store below (each write encodes its value once). */
  private final AtomicInteger encoded = new AtomicInteger();

  private final Serde<String> countingSerde =
      Serdes.serdeFrom(
          (topic, v) -> {
            encoded.incrementAndGet();
            return v == null ? null : v.getBytes(StandardCharsets.UTF_8);
          },
          (topic, b) -> b == null ? null : new String(b, StandardCharsets.UTF_8));

  private WriteBehindStore<String> store(int maxClean, int maxDirty) {
    WriteBehindStore<String> store =
        (WriteBehindStore<String>)
            WriteBehindStore.builder(
                    Stores.keyValueStoreBuilder(
                            Stores.inMemoryKeyValueStore("s"), Serdes.Bytes(), countingSerde)
                        .withLoggingDisabled(),
                    maxClean,
                    maxDirty)
                .build();
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    return store;
  }

  private static Bytes key(String k) {
    return Bytes.wrap(k.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void changesAreWrittenOncePerFlushAndReadBackBeforeIt() {
    WriteBehindStore<String> store = store(10, 100);
    store.put(key("a"), "1");
    store.put(key("a"), "2");
    store.put(key("b"), "x");
    store.put(key("a"), "3");
    assertThat(encoded.get()).as("nothing written before the commit").isZero();
    assertThat(store.get(key("a"))).isEqualTo("3");
    assertThat(store.wrapped().get(key("a"))).isNull();

    store.flushCache();
    assertThat(encoded.get()).as("one write per changed key").isEqualTo(2);
    assertThat(store.wrapped().get(key("a"))).isEqualTo("3");
    assertThat(store.wrapped().get(key("b"))).isEqualTo("x");

    store.flushCache();
    assertThat(encoded.get()).as("nothing changed since").isEqualTo(2);
  }

  @Test
  void scansSeeEveryChangeAndDeletesGoThroughAtOnce() {
    WriteBehindStore<String> store = store(10, 100);
    store.put(key("a"), "1");
    store.put(key("b"), "2");
    store.flushCache();
    store.put(key("c"), "3");
    store.put(key("b"), "4");
    assertThat(store.delete(key("a"))).isEqualTo("1");
    assertThat(store.wrapped().get(key("a"))).isNull();
    assertThat(store.get(key("a"))).isNull();

    List<KeyValue<Bytes, String>> all = new ArrayList<>();
    try (KeyValueIterator<Bytes, String> it = store.all()) {
      it.forEachRemaining(all::add);
    }
    assertThat(all).containsExactly(KeyValue.pair(key("b"), "4"), KeyValue.pair(key("c"), "3"));
    try (KeyValueIterator<Bytes, String> it = store.prefixScan("c", new StringSerializer())) {
      assertThat(it.next()).isEqualTo(KeyValue.pair(key("c"), "3"));
      assertThat(it.hasNext()).isFalse();
    }

    // A delete of a key changed since the last write drops the change and deletes below.
    store.put(key("d"), "5");
    assertThat(store.delete(key("d"))).isEqualTo("5");
    store.flushCache();
    assertThat(store.wrapped().get(key("d"))).isNull();
    assertThat(store.get(key("d"))).isNull();
  }

  @Test
  void pastMaxDirtyTheOldestChangeIsWrittenEarly() {
    WriteBehindStore<String> store = store(10, 2);
    store.put(key("a"), "1");
    store.put(key("b"), "2");
    store.put(key("c"), "3");
    assertThat(encoded.get()).isEqualTo(1);
    assertThat(store.wrapped().get(key("a"))).isEqualTo("1");
    assertThat(store.get(key("a"))).isEqualTo("1");
  }

  @Test
  void aClearedCacheWritesNothingOfWhatWasPending() {
    WriteBehindStore<String> store = store(10, 100);
    store.put(key("a"), "1");
    store.clearCache();
    store.flushCache();
    assertThat(encoded.get()).isZero();
    assertThat(store.get(key("a"))).isNull();
  }

  @Test
  void readsAreKeptDecodedUpToMaxClean() {
    WriteBehindStore<String> store = store(1, 100);
    store.wrapped().put(key("a"), "1");
    store.wrapped().put(key("b"), "2");
    String first = store.get(key("a"));
    assertThat(store.get(key("a"))).isSameAs(first);
    store.get(key("b"));
    assertThat(store.get(key("a"))).as("evicted, decoded again").isNotSameAs(first).isEqualTo("1");
  }

  /**
   * In a real task: Kafka Streams writes the changes before each commit ({@code flushCache}), so
   * the changelog holds them in the same transaction as the outputs; a key changed many times
   * between two commits gives one changelog record.
   */
  @Test
  void aTaskCommitWritesEachChangedKeyToTheChangelogOnce() {
    Topology topology = new Topology();
    topology.addSource("in", new StringDeserializer(), new StringDeserializer(), "in");
    topology.addProcessor(
        "count",
        () ->
            new ContextualProcessor<String, String, Void, Void>() {
              @Override
              public void process(Record<String, String> record) {
                KeyValueStore<Bytes, String> s = context().getStateStore("counts");
                for (int i = 0; i < 3; i++) {
                  Bytes k = key(record.key());
                  String old = s.get(k);
                  s.put(k, String.valueOf(old == null ? 1 : Integer.parseInt(old) + 1));
                }
              }
            },
        "in");
    topology.addStateStore(
        WriteBehindStore.builder(
            Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore("counts"), Serdes.Bytes(), Serdes.String()),
            10,
            100),
        "count");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "wb");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(
        StreamsConfig.STATE_DIR_CONFIG,
        System.getProperty("java.io.tmpdir") + "/write-behind-" + System.nanoTime());
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
      var in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
      TestOutputTopic<Bytes, String> changelog =
          driver.createOutputTopic(
              "wb-counts-changelog",
              (topic, b) -> Bytes.wrap(b),
              (topic, b) -> new String(b, StandardCharsets.UTF_8));
      in.pipeInput("u", "x");
      in.pipeInput("u", "x");
      assertThat(changelog.readKeyValuesToList())
          .containsExactly(KeyValue.pair(key("u"), "3"), KeyValue.pair(key("u"), "6"));
      KeyValueStore<Bytes, String> s = driver.getKeyValueStore("counts");
      assertThat(s.get(key("u"))).isEqualTo("6");
    }
  }
}
