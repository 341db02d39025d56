package io.fhirflow.topology.deadletter;

import static io.fhirflow.contracts.DeadLetterHeaders.ORIGINAL_VALUE_BYTES;
import static io.fhirflow.contracts.DeadLetterHeaders.PREFIX;
import static io.fhirflow.contracts.DeadLetterHeaders.TRUNCATED;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Makes a dead letter fit the producer's limit. The raw topic may hold records larger than this
 * producer may send (a broker's {@code max.message.bytes} above our {@code max.request.size}, or
 * the {@code dlq.*} headers on top of a record just under it); a dead letter the producer refuses
 * would fail every transaction that tried to write it. So it is published truncated: the value cut
 * first, then the key, then the original's own headers dropped (the {@code dlq.*} ones stay), with
 * {@code dlq.truncated} naming what was cut and {@code dlq.original.value.bytes}. The source
 * coordinates headers locate the original, which the raw topic keeps.
 */
public final class DeadLetterFit {

  /** The dead letter as it will be sent. */
  public record Fitted(byte[] key, byte[] value, Headers headers) {}

  private DeadLetterFit() {}

  /**
   * @param headers the original's headers plus the {@code dlq.*} ones (changed in place when it
   *     fits, replaced when headers are dropped)
   * @param limit bytes the record may take (producer max.request.size less headroom)
   */
  public static Fitted fit(byte[] key, byte[] value, Headers headers, int limit) {
    int headerBytes = RecordSize.headers(headers);
    if (RecordSize.of(key) + RecordSize.of(value) + headerBytes <= limit) {
      return new Fitted(key, value, headers);
    }
    List<String> cut = new ArrayList<>(3);
    // Room for the two headers that say so.
    int budget = limit - 64;
    if (headerBytes > budget / 2) {
      headers = dlqOnly(headers);
      headerBytes = RecordSize.headers(headers);
      cut.add("headers");
    }
    int room = budget - headerBytes;
    byte[] k = key;
    if (k != null && k.length > Math.max(0, room / 2)) {
      k = Arrays.copyOf(k, Math.max(0, room / 2));
      cut.add(0, "key");
    }
    int valueRoom = Math.max(0, room - RecordSize.of(k));
    byte[] v = value;
    if (RecordSize.of(v) > valueRoom) {
      v = Arrays.copyOf(v, valueRoom);
      cut.add(0, "value");
    }
    headers.add(TRUNCATED, String.join(",", cut).getBytes(StandardCharsets.UTF_8));
    headers.add(
        ORIGINAL_VALUE_BYTES,
        Integer.toString(RecordSize.of(value)).getBytes(StandardCharsets.UTF_8));
    return new Fitted(k, v, headers);
  }

  private static Headers dlqOnly(Headers headers) {
    RecordHeaders kept = new RecordHeaders();
    for (Header h : headers) {
      if (h.key().startsWith(PREFIX)) {
        kept.add(h);
      }
    }
    return kept;
  }
}
