package io.fhirflow.bench.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Streams floor stands for the topology's writes without its work: its per-sample rates must be
 * the topology's measured ones (class comment of StreamsFloorApp) and its store keys the dedupe
 * key's shape, or the floor's figure in BENCHMARKS.md compares unlike things.
 */
class StreamsFloorAppTest {

  @Test
  void theFloorWritesTheTopologysRecordsPerSample() {
    double changelogs =
        StreamsFloorApp.SEEN.putsPerSample()
            + StreamsFloorApp.FURTHER_STORES.stream()
                .mapToDouble(StreamsFloorApp.StoreWrites::putsPerSample)
                .sum();
    double outputs =
        StreamsFloorApp.OUTPUTS.values().stream().mapToDouble(Double::doubleValue).sum();

    // The topology's run of 2026-12-07: 4.423 records per sample, 1.666 + 0.002 + 0.005 of them
    // output records (the dedupe store's 1.001 is one put per sample here).
    assertThat(outputs).isCloseTo(1.673, within(1e-9));
    assertThat(changelogs + outputs).isCloseTo(4.423, within(1e-9));
    assertThat(StreamsFloorApp.OUTPUTS).containsOnlyKeys(StreamsFloorApp.Output.values());
    // Its changelogs are the topology's stores, each written once.
    assertThat(StreamsFloorApp.FURTHER_STORES)
        .extracting(StreamsFloorApp.StoreWrites::name)
        .doesNotHaveDuplicates()
        .doesNotContain(StreamsFloorApp.SEEN.name());
  }

  @Test
  void aStoreKeyHasTheDedupeKeysLayoutWithTheValuesHashAsRecordId() {
    byte[] user = "user-42".getBytes(StandardCharsets.UTF_8);
    byte[] raw = "a raw sample".getBytes(StandardCharsets.UTF_8);

    byte[] key = StreamsFloorApp.identity(user, raw).get();

    // platform byte, user-id length, the user id, then 36 bytes of a UUID string
    ByteBuffer b = ByteBuffer.wrap(key);
    assertThat(b.get()).isZero();
    assertThat(b.getInt()).isEqualTo(user.length);
    assertThat(Arrays.copyOfRange(key, 5, 5 + user.length)).isEqualTo(user);
    String recordId = new String(key, 5 + user.length, 36, StandardCharsets.US_ASCII);
    assertThat(key).hasSize(5 + user.length + 36);
    assertThat(recordId).startsWith("00000000-0000-5eed-");
  }

  @Test
  void anExactDuplicateFindsTheSameKeyAndAnotherValueAnother() {
    byte[] user = "user-42".getBytes(StandardCharsets.UTF_8);
    Bytes first = StreamsFloorApp.identity(user, "sample 1".getBytes(StandardCharsets.UTF_8));

    assertThat(StreamsFloorApp.identity(user, "sample 1".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(first);
    assertThat(StreamsFloorApp.identity(user, "sample 2".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(first);
    assertThat(
            StreamsFloorApp.identity(
                "user-43".getBytes(StandardCharsets.UTF_8),
                "sample 1".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(first);
  }

  @Test
  void runningTheFloorWritesEachStoreAndTopicAtItsRatePerSample(@TempDir Path state) {
    int samples = 10_000;
    AtomicLong processed = new AtomicLong();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "floor-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    try (TopologyTestDriver driver =
        new TopologyTestDriver(StreamsFloorApp.topology("raw", processed), props)) {
      TestInputTopic<byte[], byte[]> raw =
          driver.createInputTopic("raw", new ByteArraySerializer(), new ByteArraySerializer());
      for (int i = 0; i < samples; i++) {
        raw.pipeInput(
            ("user-" + i % 50).getBytes(StandardCharsets.UTF_8),
            ("a raw sample of about the size of an Avro WearableSample, number " + i)
                .repeat(3)
                .getBytes(StandardCharsets.UTF_8));
      }

      assertThat(processed).hasValue(samples);
      // Distinct raw values: the dedupe store gets one entry each, a slice of the raw value.
      List<KeyValue<Bytes, ValueAndTimestamp<byte[]>>> seen =
          entries(driver.getTimestampedKeyValueStore(StreamsFloorApp.SEEN.name()));
      assertThat(seen).hasSize(samples);
      assertThat(seen)
          .allSatisfy(e -> assertThat(e.value.value()).hasSize(StreamsFloorApp.SEEN.valueBytes()));
      // The other stores' puts at their rates, met by the running balance (within one).
      for (StreamsFloorApp.StoreWrites s : StreamsFloorApp.FURTHER_STORES) {
        List<KeyValue<Bytes, byte[]>> puts = entries(driver.getKeyValueStore(s.name()));
        assertThat((double) puts.size())
            .as(s.name())
            .isCloseTo(s.putsPerSample() * samples, within(1.0));
        assertThat(puts).allSatisfy(e -> assertThat(e.value).hasSize(s.valueBytes()));
      }
      for (StreamsFloorApp.Output o : StreamsFloorApp.Output.values()) {
        List<TestRecord<String, byte[]>> out =
            driver
                .createOutputTopic(o.topic, new StringDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
        assertThat((double) out.size())
            .as(o.topic)
            .isCloseTo(StreamsFloorApp.OUTPUTS.get(o) * samples, within(1.0));
        // Real mapped resources with the topology's headers.
        String type = o.name().charAt(0) + o.name().substring(1).toLowerCase(Locale.ROOT);
        assertThat(new String(out.get(0).value(), StandardCharsets.UTF_8))
            .contains("\"resourceType\":\"" + type + "\"");
        assertThat(out.get(0).headers().toArray()).isNotEmpty();
      }
    }
  }

  private static <V> List<KeyValue<Bytes, V>> entries(KeyValueStore<Bytes, V> store) {
    List<KeyValue<Bytes, V>> all = new ArrayList<>();
    try (KeyValueIterator<Bytes, V> it = store.all()) {
      it.forEachRemaining(all::add);
    }
    return all;
  }
}
