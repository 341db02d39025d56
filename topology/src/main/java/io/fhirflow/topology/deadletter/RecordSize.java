package io.fhirflow.topology.deadletter;

import io.fhirflow.topology.TopologyConfig;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What a record costs against the producer's {@code max.request.size}, counted before it is sent: a
 * record the producer refuses fails the whole transaction, so the thread would retry it forever
 * (issue 12, "no poison pill"). Counts key, value and header bytes plus a per-header allowance; the
 * batch and record framing is covered by the headroom {@link TopologyConfig#SEND_HEADROOM_BYTES}.
 */
public final class RecordSize {

  /** Varint lengths and attributes of one header, generously. */
  private static final int PER_HEADER = 10;

  private RecordSize() {}

  static int of(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  /**
   * Bytes of a string as UTF-8 without encoding it when it is clearly small: a char is at most 3
   * bytes (a surrogate pair, 2 chars, is 4), so {@code 3 * length} bounds it.
   */
  public static boolean fits(String text, long budget) {
    return text == null
        || 3L * text.length() <= budget
        || text.getBytes(StandardCharsets.UTF_8).length <= budget;
  }

  static int headers(Headers headers) {
    int total = 0;
    for (Header h : headers) {
      total += PER_HEADER + 3 * h.key().length() + of(h.value());
    }
    return total;
  }
}
