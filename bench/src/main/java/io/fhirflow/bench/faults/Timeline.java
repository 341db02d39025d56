package io.fhirflow.bench.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sampler's CSV read back: per second, records in (raw end offsets), samples the topology
 * processed and rows the sink wrote (counter deltas summed over instances, a restarted instance's
 * counter starting again from zero), the topology's and the sink's lag, and each topology
 * incarnation's last conservation counters.
 */
public final class Timeline {

  /** One line; null where the sampler could not read a value. */
  record Row(
      long timeMs,
      Long rawEnd,
      Long topologyCommitted,
      Long fhirEnd,
      Long sinkCommitted,
      Long[][] topology,
      Long[] connectRows) {
    Long topologyLag() {
      return rawEnd == null || topologyCommitted == null
          ? null
          : Math.max(0, rawEnd - topologyCommitted);
    }

    Long sinkLag() {
      return fhirEnd == null || sinkCommitted == null ? null : Math.max(0, fhirEnd - sinkCommitted);
    }
  }

  /**
   * Per second since the start: records in, samples processed by the topology, rows written by the
   * sink, both lags.
   */
  public record Point(
      double second, Double in, double processed, double rows, Long topologyLag, Long sinkLag) {}

  /**
   * The counters of one run of one instance (a kill -9 and restart on the same port makes two): in,
   * out, duplicates, updates, dead-lettered, deleted, then the Redis values it counted as lost.
   */
  record Incarnation(int instance, int number, long firstMs, long lastMs, long[] counters) {
    /** Index of the Redis writer's lost values, after the conservation counters. */
    static final int REDIS_LOST = FaultSampler.COUNTERS.length;

    long balance() {
      long b = counters[0];
      for (int k = 1; k < REDIS_LOST; k++) {
        b -= counters[k];
      }
      return b;
    }
  }

  /** The cell of a process that refused the connection (not running). */
  static final String DOWN = "down";

  private final List<Row> rows;

  Timeline(List<Row> rows) {
    this.rows = rows;
  }

  static String header(int topologyInstances, int connectWorkers) {
    StringBuilder h =
        new StringBuilder("time_ms,raw_end,topology_committed,fhir_end,sink_committed");
    for (int i = 1; i <= topologyInstances; i++) {
      for (String c : FaultSampler.COUNTERS) {
        h.append(",topology").append(i).append('_').append(c);
      }
      h.append(",topology").append(i).append("_redis_lost");
    }
    for (int i = 1; i <= connectWorkers; i++) {
      h.append(",connect").append(i).append("_rows_written");
    }
    return h.toString();
  }

  static Timeline read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    String[] header = lines.get(0).split(",", -1);
    int topologyInstances =
        (int)
            java.util.Arrays.stream(header)
                .filter(h -> h.endsWith("_in") && h.startsWith("topology"))
                .count();
    int connect =
        (int) java.util.Arrays.stream(header).filter(h -> h.startsWith("connect")).count();
    List<Row> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",", -1);
      if (c.length != header.length) {
        continue; // a line cut short by the sampler's stop
      }
      Long[][] topology = new Long[topologyInstances][FaultSampler.COLUMNS_PER_INSTANCE];
      int k = 5;
      for (int i = 0; i < topologyInstances; i++) {
        for (int j = 0; j < FaultSampler.COLUMNS_PER_INSTANCE; j++) {
          topology[i][j] = number(c[k++]);
        }
      }
      Long[] connectRows = new Long[connect];
      for (int i = 0; i < connect; i++) {
        connectRows[i] = number(c[k++]);
      }
      rows.add(
          new Row(
              Long.parseLong(c[0]),
              number(c[1]),
              number(c[2]),
              number(c[3]),
              number(c[4]),
              topology,
              connectRows));
    }
    return new Timeline(rows);
  }

  private static Long number(String cell) {
    return cell.isEmpty() ? null : cell.equals(DOWN) ? DOWN_VALUE : Long.valueOf(cell);
  }

  /** Read back from a {@link #DOWN} cell; never a real counter value. */
  private static final Long DOWN_VALUE = Long.MIN_VALUE;

  private static boolean down(Long value) {
    return value != null && value == Long.MIN_VALUE;
  }

  List<Row> rows() {
    return rows;
  }

  /** Per-second points from {@code startMs} on (rates between consecutive lines). */
  List<Point> points(long startMs) {
    List<Point> points = new ArrayList<>();
    int instances = rows.isEmpty() ? 0 : rows.get(0).topology().length;
    int workers = rows.isEmpty() ? 0 : rows.get(0).connectRows().length;
    long[] lastProcessed = new long[instances];
    long[] lastRows = new long[workers];
    Long lastRaw = null;
    long lastMs = 0;
    for (Row r : rows) {
      double processed = 0;
      for (int i = 0; i < instances; i++) {
        Long v = r.topology()[i][0];
        if (down(v)) {
          lastProcessed[i] = 0; // the next process counts from zero
        } else if (v != null) {
          processed +=
              v >= lastProcessed[i]
                  ? v - lastProcessed[i]
                  : v; // below the last value: a new incarnation
          lastProcessed[i] = v;
        }
      }
      double written = 0;
      for (int i = 0; i < workers; i++) {
        Long v = r.connectRows()[i];
        if (v != null) {
          written += v >= lastRows[i] ? v - lastRows[i] : v;
          lastRows[i] = v;
        }
      }
      double dt = lastMs == 0 ? 1 : Math.max(0.001, (r.timeMs() - lastMs) / 1000.0);
      Double in = lastRaw == null || r.rawEnd() == null ? null : (r.rawEnd() - lastRaw) / dt;
      if (lastMs != 0 && r.timeMs() >= startMs) {
        points.add(
            new Point(
                (r.timeMs() - startMs) / 1000.0,
                in,
                processed / dt,
                written / dt,
                r.topologyLag(),
                r.sinkLag()));
      }
      if (r.rawEnd() != null) {
        lastRaw = r.rawEnd();
      }
      lastMs = r.timeMs();
    }
    return points;
  }

  /**
   * Each instance's incarnations with their last scraped counters (in, out, duplicates, updates,
   * dead-lettered, deleted, Redis lost).
   */
  List<Incarnation> incarnations() {
    List<Incarnation> out = new ArrayList<>();
    int instances = rows.isEmpty() ? 0 : rows.get(0).topology().length;
    for (int i = 0; i < instances; i++) {
      long[] last = null;
      long first = 0;
      long lastMs = 0;
      int number = 0;
      boolean wasDown = false;
      for (Row r : rows) {
        Long[] c = r.topology()[i];
        if (down(c[0])) {
          wasDown = true; // killed or stopped: what answers next is a new process
          continue;
        }
        if (c[0] == null || java.util.Arrays.stream(c).anyMatch(v -> v == null)) {
          continue;
        }
        if (last != null && (wasDown || c[0] < last[0])) {
          out.add(new Incarnation(i + 1, ++number, first, lastMs, last));
          last = null;
        }
        wasDown = false;
        if (last == null) {
          first = r.timeMs();
        }
        last = new long[c.length];
        for (int j = 0; j < c.length; j++) {
          last[j] = c[j];
        }
        lastMs = r.timeMs();
      }
      if (last != null) {
        out.add(new Incarnation(i + 1, ++number, first, lastMs, last));
      }
    }
    return out;
  }
}
