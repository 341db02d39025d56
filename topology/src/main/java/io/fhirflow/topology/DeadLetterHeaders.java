package io.fhirflow.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;

/** The {@code dlq.*} headers of the dead-letter contract (DESIGN's topic table; docs/topology.md, docs/operations.md). */
final class DeadLetterHeaders {

  static final String STAGE = "dlq.stage";
  static final String REASON = "dlq.reason";
  static final String ERROR_CLASS = "dlq.error.class";
  static final String SOURCE_TOPIC = "dlq.source.topic";
  static final String SOURCE_PARTITION = "dlq.source.partition";
  static final String SOURCE_OFFSET = "dlq.source.offset";
  static final String TIME = "dlq.time";

  private DeadLetterHeaders() {}

  /** Adds the headers, replacing any an upstream dead-lettering left (a re-driven record). */
  static Headers add(Headers h, DeadLetterStage stage, String reason, String errorClass, String topic, int partition, long offset, Instant time) {
    put(h, STAGE, stage.code());
    put(h, REASON, reason);
    put(h, ERROR_CLASS, errorClass);
    put(h, SOURCE_TOPIC, topic);
    put(h, SOURCE_PARTITION, Integer.toString(partition));
    put(h, SOURCE_OFFSET, Long.toString(offset));
    put(h, TIME, time.toString());
    return h;
  }

  private static void put(Headers h, String name, String value) {
    h.remove(name);
    if (value != null) {
      h.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }
}
