package io.fhirflow.topology.metrics;

import io.fhirflow.mapping.MetricKind;
import io.fhirflow.mapping.MetricPoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups the metric points of one sample by (metric, local day) before touching state, so a Health
 * Connect series of hundreds of heart-rate points costs one store read and write per day, not one
 * per point. The local day comes from the point's zone (the sample's IANA time zone, else its
 * offset), never from the server's.
 */
public final class DayAggregates {

  /** Sum, count, min and max of a sample's points for one metric and local day. */
  public record Part(
      String metric,
      MetricKind kind,
      String unit,
      long epochDay,
      double sum,
      long count,
      double min,
      double max) {}

  private DayAggregates() {}

  static boolean hasDayAggregate(MetricKind kind) {
    return kind == MetricKind.CUMULATIVE || kind == MetricKind.RATE;
  }

  static long localEpochDay(MetricPoint p) {
    return p.time().atZone(p.zone()).toLocalDate().toEpochDay();
  }

  public static List<Part> partsOf(List<MetricPoint> points) {
    if (points.isEmpty()) {
      return List.of();
    }
    Map<String, Part> parts = new LinkedHashMap<>();
    for (MetricPoint p : points) {
      if (!hasDayAggregate(p.kind())) {
        continue;
      }
      long day = localEpochDay(p);
      parts.merge(
          p.metric() + '|' + day,
          new Part(p.metric(), p.kind(), p.unit(), day, p.value(), 1, p.value(), p.value()),
          (a, b) ->
              new Part(
                  a.metric,
                  a.kind,
                  a.unit,
                  a.epochDay,
                  a.sum + b.sum,
                  a.count + b.count,
                  Math.min(a.min, b.min),
                  Math.max(a.max, b.max)));
    }
    return new ArrayList<>(parts.values());
  }

  /** What a sample adds to day aggregates, as remembered with its version for a later update. */
  public static List<DayContribution> contributionsOf(List<Part> parts) {
    List<DayContribution> out = new ArrayList<>(parts.size());
    for (Part p : parts) {
      out.add(new DayContribution(p.metric, p.epochDay, p.sum, p.count));
    }
    return List.copyOf(out);
  }
}
