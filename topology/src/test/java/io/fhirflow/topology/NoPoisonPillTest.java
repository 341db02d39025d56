package io.fhirflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.DeadLetterHeaders;
import io.fhirflow.contracts.DeadLetterReasons;
import io.fhirflow.schema.Device;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.WearableSamples;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12, item 1: whatever its size, a record ends as output or as a dead letter, and what
 * follows it on the partition flows. Nothing the topology sends may exceed what its producer can
 * send (max.request.size), or the transaction fails and the record is retried forever.
 */
class NoPoisonPillTest {

  @RegisterExtension final TopologyHarness flow = new TopologyHarness();
  private final int limit = TopologyConfig.sendMaxBytes(Map.of());

  @Test
  void aSampleWhoseFhirOutputWouldExceedWhatTheProducerCanSendIsRejectedAsOutputTooLarge() {
    // 300 KB raw, but every U+0001 is six characters in JSON: the Device would be 1.8 MB.
    String name = "\u0001".repeat(300_000);
    WearableSample inflated =
        WearableSamples.healthKitHeartRate()
            .setRecordId("inflated")
            .setDevice(
                Device.newBuilder()
                    .setName("Watch")
                    .setManufacturer("Apple Inc.")
                    .setModel(name)
                    .build())
            .build();
    WearableSample ordinary = WearableSamples.healthKitHeartRate().setRecordId("ordinary").build();

    flow.send(inflated);
    flow.send(ordinary);

    List<TestRecord<byte[], byte[]>> dead = flow.deadLetters.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(FhirFlowTopologyTest.header(dead.get(0).headers(), DeadLetterHeaders.REASON))
        .isEqualTo(DeadLetterReasons.OUTPUT_TOO_LARGE);
    assertThat(FhirFlowTopologyTest.header(dead.get(0).headers(), DeadLetterHeaders.STAGE))
        .isEqualTo("map");
    assertThat(dead.get(0).value()).isEqualTo(flow.serialize(inflated));
    var observations = flow.observations.readRecordsToList();
    assertThat(observations).hasSize(1);
    assertThat(observations.get(0).value()).doesNotContain("\\u0001");
    flow.devices.readRecordsToList().forEach(d -> assertThat(d.value().length()).isLessThan(limit));
    assertThat(flow.counters.inCount())
        .isEqualTo(flow.counters.outCount() + flow.counters.deadLetteredCount());
  }

  @Test
  void aDeadLetterTooLargeToPublishIsTruncatedSayingSoWithTheOriginalsCoordinates() {
    byte[] huge =
        new byte[1_200_000]; // a 1.2 MB "sample": OVERSIZED, and larger than a producer request
    Arrays.fill(huge, (byte) 7);
    WearableSample ordinary = WearableSamples.healthKitHeartRate().build();

    flow.sendRaw(ordinary.getUserId().getBytes(StandardCharsets.UTF_8), huge, TopologyHarness.NOW);
    flow.send(ordinary);

    List<TestRecord<byte[], byte[]>> dead = flow.deadLetters.readRecordsToList();
    assertThat(dead).hasSize(1);
    TestRecord<byte[], byte[]> d = dead.get(0);
    assertThat(FhirFlowTopologyTest.header(d.headers(), DeadLetterHeaders.REASON))
        .isEqualTo("OVERSIZED");
    assertThat(FhirFlowTopologyTest.header(d.headers(), DeadLetterHeaders.TRUNCATED))
        .isEqualTo("value");
    assertThat(FhirFlowTopologyTest.header(d.headers(), DeadLetterHeaders.ORIGINAL_VALUE_BYTES))
        .isEqualTo("1200000");
    assertThat(FhirFlowTopologyTest.header(d.headers(), DeadLetterHeaders.SOURCE_TOPIC))
        .isEqualTo(flow.topics.raw());
    assertThat(FhirFlowTopologyTest.header(d.headers(), DeadLetterHeaders.SOURCE_OFFSET))
        .isEqualTo("0");
    int size = d.key().length + d.value().length;
    for (var h : d.headers()) {
      size += h.key().length() + h.value().length;
    }
    assertThat(size).isLessThanOrEqualTo(limit);
    assertThat(d.value()).isEqualTo(Arrays.copyOf(huge, d.value().length));
    assertThat(flow.observations.readRecordsToList()).hasSize(1);
  }
}
