package io.fhirflow.topology.metrics;

import io.fhirflow.mapping.MetricKind;
import io.fhirflow.topology.CompactSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serde;

/**
 * One metric of one patient on one local day: total (cumulative metrics) or min/max/avg (rates).
 * min and max cannot be taken back when a sample is updated; they stay the extremes of every
 * version seen, while sum, count and so avg are exact.
 */
public record DayAggregate(
    MetricKind kind, String unit, long epochDay, double sum, long count, double min, double max) {

  static DayAggregate empty(MetricKind kind, String unit, long epochDay) {
    return new DayAggregate(
        kind, unit, epochDay, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
  }

  DayAggregate plus(double partSum, long partCount, double partMin, double partMax) {
    return new DayAggregate(
        kind,
        unit,
        epochDay,
        sum + partSum,
        count + partCount,
        Math.min(min, partMin),
        Math.max(max, partMax));
  }

  DayAggregate minus(DayContribution c) {
    return new DayAggregate(
        kind, unit, epochDay, sum - c.sum(), Math.max(0, count - c.count()), min, max);
  }

  /** The absolute value written to Redis (layout in docs/redis-metrics.md). */
  String toJson() {
    StringBuilder b =
        new StringBuilder(96).append("{\"kind\":\"").append(kind.name()).append("\",\"unit\":");
    Json.string(b, unit);
    if (kind == MetricKind.RATE) {
      b.append(",\"min\":");
      Json.number(b, count == 0 ? 0 : min);
      b.append(",\"max\":");
      Json.number(b, count == 0 ? 0 : max);
      b.append(",\"avg\":");
      Json.number(b, count == 0 ? 0 : sum / count);
    } else {
      b.append(",\"sum\":");
      Json.number(b, sum);
    }
    return b.append(",\"count\":").append(count).append('}').toString();
  }

  public static Serde<DayAggregate> serde() {
    return CompactSerde.of(
        a -> {
          byte[] unit = a.unit.getBytes(StandardCharsets.UTF_8);
          return ByteBuffer.allocate(1 + 4 + unit.length + 8 * 5)
              .put((byte) a.kind.ordinal())
              .putInt(unit.length)
              .put(unit)
              .putLong(a.epochDay)
              .putDouble(a.sum)
              .putLong(a.count)
              .putDouble(a.min)
              .putDouble(a.max)
              .array();
        },
        b -> {
          MetricKind kind = MetricKind.values()[b.get()];
          byte[] unit = new byte[b.getInt()];
          b.get(unit);
          return new DayAggregate(
              kind,
              new String(unit, StandardCharsets.UTF_8),
              b.getLong(),
              b.getDouble(),
              b.getLong(),
              b.getDouble(),
              b.getDouble());
        });
  }
}
