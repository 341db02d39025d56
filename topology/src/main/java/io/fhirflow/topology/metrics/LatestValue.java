package io.fhirflow.topology.metrics;

import io.fhirflow.topology.CompactSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serde;

/** The most recent value of one metric of one patient, by measurement time (not arrival order). */
public record LatestValue(double value, String unit, long timeMillis) {

  String toJson() {
    StringBuilder b = new StringBuilder(80).append("{\"value\":");
    Json.number(b, value);
    b.append(",\"unit\":");
    Json.string(b, unit);
    b.append(",\"time\":\"").append(Instant.ofEpochMilli(timeMillis)).append("\"}");
    return b.toString();
  }

  public static Serde<LatestValue> serde() {
    return CompactSerde.of(
        v -> {
          byte[] unit = v.unit.getBytes(StandardCharsets.UTF_8);
          return ByteBuffer.allocate(8 + 8 + 4 + unit.length)
              .putDouble(v.value)
              .putLong(v.timeMillis)
              .putInt(unit.length)
              .put(unit)
              .array();
        },
        b -> {
          double value = b.getDouble();
          long time = b.getLong();
          byte[] unit = new byte[b.getInt()];
          b.get(unit);
          return new LatestValue(value, new String(unit, StandardCharsets.UTF_8), time);
        });
  }
}
