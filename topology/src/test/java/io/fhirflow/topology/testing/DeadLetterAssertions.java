package io.fhirflow.topology.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Assertions on a dead letter's contract headers ({@link DeadLetterHeaders}). */
public final class DeadLetterAssertions {

  private DeadLetterAssertions() {}

  /**
   * Asserts the headers that say where a dead letter failed and why, and where it was read from;
   * all at once, so a failure shows every header the record has.
   */
  public static void assertCauseAndSource(
      Headers headers,
      String stage,
      String reason,
      String errorClass,
      String sourceTopic,
      int sourcePartition,
      long sourceOffset) {
    assertThat(text(headers))
        .containsAllEntriesOf(
            Map.of(
                DeadLetterHeaders.STAGE, stage,
                DeadLetterHeaders.REASON, reason,
                DeadLetterHeaders.ERROR_CLASS, errorClass,
                DeadLetterHeaders.SOURCE_TOPIC, sourceTopic,
                DeadLetterHeaders.SOURCE_PARTITION, String.valueOf(sourcePartition),
                DeadLetterHeaders.SOURCE_OFFSET, String.valueOf(sourceOffset)));
  }

  /** Every header by name, each with its last value as UTF-8 (null for a null value). */
  private static Map<String, String> text(Headers headers) {
    Map<String, String> byName = new LinkedHashMap<>();
    for (Header h : headers) {
      byName.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
    }
    return byName;
  }
}
