package io.fhirflow.topology.deadletter;

import static io.fhirflow.contracts.DeadLetterHeaders.ERROR_CLASS;
import static io.fhirflow.contracts.DeadLetterHeaders.REASON;
import static io.fhirflow.contracts.DeadLetterHeaders.SOURCE_OFFSET;
import static io.fhirflow.contracts.DeadLetterHeaders.SOURCE_PARTITION;
import static io.fhirflow.contracts.DeadLetterHeaders.SOURCE_TOPIC;
import static io.fhirflow.contracts.DeadLetterHeaders.STAGE;
import static io.fhirflow.contracts.DeadLetterHeaders.TIME;

import io.fhirflow.contracts.FhirRecordHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;

/**
 * Writes the topology's dead letters' headers; the names are the contract's ({@link
 * io.fhirflow.contracts.DeadLetterHeaders}).
 */
public final class DeadLetterHeaders {

  private DeadLetterHeaders() {}

  /** Adds the headers, replacing any an upstream dead-lettering left (a re-driven record). */
  public static Headers add(
      Headers h,
      DeadLetterStage stage,
      String reason,
      String errorClass,
      String topic,
      int partition,
      long offset,
      Instant time) {
    put(h, STAGE, stage.code());
    put(h, REASON, reason);
    put(h, ERROR_CLASS, errorClass);
    put(h, SOURCE_TOPIC, topic);
    put(h, SOURCE_PARTITION, Integer.toString(partition));
    put(h, SOURCE_OFFSET, Long.toString(offset));
    put(h, TIME, time.toString());
    return h;
  }

  /**
   * Sets {@code fhirflow.tenant} to the tenant of the record's source topic, replacing any header
   * of that name the gateway sent; none when the source is no tenant's (the erasure topic).
   */
  static Headers tenant(Headers h, String tenant) {
    put(h, FhirRecordHeaders.TENANT, tenant);
    return h;
  }

  private static void put(Headers h, String name, String value) {
    h.remove(name);
    if (value != null) {
      h.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }
}
