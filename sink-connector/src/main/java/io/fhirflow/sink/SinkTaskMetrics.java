package io.fhirflow.sink;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * The task's own figures, registered through Connect's plugin metrics (KIP-877) so that they reach
 * whatever metrics reporter the worker runs (JMX, or Strimzi's Prometheus reporter: group {@code
 * plugins} with the worker's {@code connector} and {@code task} tags). Connect already counts
 * records read and put batches; these say what only the task knows: rows that reached PostgreSQL,
 * how long a batch transaction took, database retries and dead letters by reason.
 *
 * <p>The names are the operators' contract: dashboards and alert rules in {@code k8s/monitoring}
 * use them, and {@code SinkMetricsIT} checks them against a real worker's scrape.
 */
final class SinkTaskMetrics {

  static final String ROWS_WRITTEN = "rows-written";
  static final String BATCH_WRITE_TIME = "batch-write-time-ms";
  static final String DATABASE_RETRIES = "database-retries";
  static final String CONSECUTIVE_FAILED_WRITES = "consecutive-failed-writes";
  static final String DEAD_LETTERED = "dead-lettered";
  static final String RECORD_DELAY = "record-delay-ms";

  private final PluginMetrics metrics;
  private final Sensor rowsWritten;
  private final Sensor batchWriteTime;
  private final Sensor retries;
  private final Sensor recordDelay;
  private final Map<String, Sensor> deadLettered = new ConcurrentHashMap<>();

  /**
   * The gauge's value, one per metric name (connector and task): shared with an earlier instance of
   * the same task that still holds the gauge's name (see the constructor).
   */
  private static final Map<MetricName, AtomicInteger> FAILED_WRITES = new ConcurrentHashMap<>();

  private final AtomicInteger consecutiveFailedWrites;

  private SinkTaskMetrics(PluginMetrics metrics) {
    this.metrics = metrics;
    if (metrics == null) {
      rowsWritten = null;
      batchWriteTime = null;
      retries = null;
      recordDelay = null;
      consecutiveFailedWrites = new AtomicInteger();
      return;
    }
    rowsWritten = metrics.addSensor(ROWS_WRITTEN);
    rowsWritten.add(
        name(ROWS_WRITTEN + "-total", "Rows committed to PostgreSQL."), new CumulativeSum());
    rowsWritten.add(
        name(ROWS_WRITTEN + "-rate", "Rows committed to PostgreSQL per second."), new Rate());
    batchWriteTime = metrics.addSensor(BATCH_WRITE_TIME);
    batchWriteTime.add(
        name(BATCH_WRITE_TIME + "-avg", "Mean time of one batch transaction."), new Avg());
    batchWriteTime.add(
        name(BATCH_WRITE_TIME + "-max", "Longest batch transaction in the window."), new Max());
    recordDelay = metrics.addSensor(RECORD_DELAY);
    recordDelay.add(
        name(
            RECORD_DELAY + "-avg",
            "Mean, over batches, of the time from the Kafka timestamp of a"
                + " batch's oldest record to the batch's commit (the topology keeps the raw sample's timestamp: the"
                + " freshness of the store)."),
        new Avg());
    recordDelay.add(
        name(
            RECORD_DELAY + "-max",
            "Longest time from a record's Kafka timestamp to the commit"
                + " of its batch in the window."),
        new Max());
    retries = metrics.addSensor(DATABASE_RETRIES);
    retries.add(
        name(
            DATABASE_RETRIES + "-total",
            "Writes that failed on a transient database error and were retried."),
        new CumulativeSum());
    MetricName failedWrites =
        name(
            CONSECUTIVE_FAILED_WRITES,
            "Failed write attempts since the last successful one; above 0 while the task is retrying.");
    AtomicInteger slot = FAILED_WRITES.computeIfAbsent(failedWrites, n -> new AtomicInteger());
    slot.set(0);
    consecutiveFailedWrites = slot;
    try {
      metrics.addMetric(failedWrites, (Gauge<Integer>) (config, now) -> slot.get());
    } catch (IllegalArgumentException alreadyRegistered) {
      // An earlier instance of this task that Connect stopped but could not close in time (a put()
      // blocked
      // by a broker or database outage: "Graceful stop of task failed") still holds the name until
      // it ends.
      // Its gauge reads the same slot, so it shows this instance's value; failing the task here
      // instead
      // stopped the sink for good after a broker restart (bench/run-faults, issue 20).
    }
  }

  /** Metrics registered through {@code metrics} (null: no-ops). */
  static SinkTaskMetrics of(PluginMetrics metrics) {
    return new SinkTaskMetrics(metrics);
  }

  /** Metrics for the task behind {@code context}; without plugin metrics (a unit test), no-ops. */
  static SinkTaskMetrics of(SinkTaskContext context) {
    PluginMetrics metrics;
    try {
      metrics = context == null ? null : context.pluginMetrics();
    } catch (UnsupportedOperationException | NoSuchMethodError | AbstractMethodError e) {
      // A Connect runtime older than 4.1 has no plugin metrics; the task works without them.
      metrics = null;
    }
    return new SinkTaskMetrics(metrics);
  }

  void batchWritten(int rows, long elapsedMs) {
    consecutiveFailedWrites.set(0);
    if (metrics == null) {
      return;
    }
    rowsWritten.record(rows);
    batchWriteTime.record(elapsedMs);
  }

  /** The time from the Kafka timestamp of a committed batch's oldest record to the commit. */
  void recordDelay(long ms) {
    if (metrics != null) {
      recordDelay.record(ms);
    }
  }

  void writeFailed() {
    consecutiveFailedWrites.incrementAndGet();
    if (metrics != null) {
      retries.record();
    }
  }

  void deadLettered(String reason) {
    if (metrics == null) {
      return;
    }
    deadLettered
        .computeIfAbsent(
            reason,
            r -> {
              Sensor sensor = metrics.addSensor(DEAD_LETTERED + "." + r);
              LinkedHashMap<String, String> tags = new LinkedHashMap<>();
              tags.put("reason", r);
              sensor.add(
                  metrics.metricName(
                      DEAD_LETTERED + "-total",
                      "Records handed to the dead-letter topic, by reason.",
                      tags),
                  new CumulativeSum());
              return sensor;
            })
        .record();
  }

  private MetricName name(String name, String description) {
    return metrics.metricName(name, description, new LinkedHashMap<>());
  }
}
