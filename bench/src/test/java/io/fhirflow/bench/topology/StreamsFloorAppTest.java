package io.fhirflow.bench.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

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
}
