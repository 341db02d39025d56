package io.fhirflow.sink;

import java.sql.SQLException;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers records (newest version per id), writes them to PostgreSQL in one transaction per batch,
 * and lets Connect commit only offsets whose records are in the database or dead-lettered.
 *
 * <p>Ordering invariants:
 *
 * <ul>
 *   <li>A batch is written when it reaches {@code batch.size} records, when its oldest record has
 *       waited {@code batch.max.wait.ms}, when a put() brings less than a full poll (the consumer
 *       has caught up: {@code batch.write.when.caught.up}), or in {@link #preCommit} (before every
 *       offset commit and before partitions are revoked).
 *   <li>{@link #preCommit} returns only offsets of committed batches. Offsets of dead-lettered
 *       records are included: Connect awaits the dead-letter writes before committing them.
 *   <li>Database unavailable: {@link #put} throws {@link RetriableException} after setting a
 *       doubling back-off; Connect pauses consumption and hands the same records to {@code put}
 *       again, which this task recognises and does not take in twice. After {@code max.retries} the
 *       task fails; its uncommitted records are read again after a restart.
 * </ul>
 */
public class FhirSinkTask extends SinkTask {

  private static final Logger log = LoggerFactory.getLogger(FhirSinkTask.class);

  private final Clock clock;
  private final BatchWriter.Factory writers;
  private FhirSinkConnectorConfig config;
  private BatchWriter writer;
  private ResourceExtractor extractor;
  private DeletionMarker deletions;
  private DeadLetters deadLetters;
  private SinkTaskMetrics metrics;
  private final ReducedBuffer buffer = new ReducedBuffer();
  private final Map<TopicPartition, OffsetAndMetadata> written = new HashMap<>();
  private int failedAttempts;
  private int maxPollRecords;

  /** Longest time a record of the current batch took from its Kafka timestamp to put(). */
  private long batchArrivalAgeMaxMs;

  /** Coordinates of the batch whose put() threw RetriableException; Connect redelivers it as is. */
  private String redeliveryMark;

  public FhirSinkTask() {
    this(Clock.systemUTC());
  }

  /** For tests: a task with its own clock, writing to PostgreSQL. */
  FhirSinkTask(Clock clock) {
    this(clock, BatchWriter::database);
  }

  /** For tests: a task with its own clock and writer (redelivery and back-off without a server). */
  FhirSinkTask(Clock clock, BatchWriter.Factory writers) {
    this.clock = clock;
    this.writers = writers;
  }

  @Override
  public String version() {
    return FhirSinkConnector.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    config = new FhirSinkConnectorConfig(props);
    maxPollRecords = config.maxPollRecords();
    PostgresDatabaseDialect dialect = new PostgresDatabaseDialect(config.tableMapping());
    writer = writers.open(config, dialect);
    extractor = new ResourceExtractor(config.tableMapping());
    deletions = new DeletionMarker(config.tableMapping());
    metrics = SinkTaskMetrics.of(context);
    deadLetters = new DeadLetters(DeadLetters.reporterOf(context), clock, metrics);
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    String mark = markOf(records);
    if (redeliveryMark == null || !redeliveryMark.equals(mark)) {
      long now = clock.millis();
      for (SinkRecord record : records) {
        take(record, now);
        if (record.timestamp() != null) {
          batchArrivalAgeMaxMs = Math.max(batchArrivalAgeMaxMs, now - record.timestamp());
        }
      }
    }
    redeliveryMark = null;
    if (buffer.isEmpty()) {
      return;
    }
    boolean full = buffer.recordsTaken() >= config.batchSize();
    boolean waited = clock.millis() - buffer.oldestTakenAtMs() >= config.batchMaxWaitMs();
    boolean caughtUp = config.batchWriteWhenCaughtUp() && records.size() < maxPollRecords;
    if (full || waited || caughtUp) {
      try {
        writeBuffer(full ? "full" : waited ? "due" : "caught-up");
      } catch (SQLException e) {
        redeliveryMark = mark;
        throw retryLater(e);
      }
    } else {
      wakeUpWhenBatchIsDue();
    }
  }

  /**
   * Connect calls put() only after a poll returns, and with no new records a poll waits until the
   * next offset commit (offset.flush.interval.ms, 60 s by default): the last records of a burst
   * would wait that long for the database. The context's timeout caps the next poll (WorkerSinkTask
   * honours it whether or not put() threw), so put() runs again, with no records, when the batch's
   * batch.max.wait.ms is up.
   */
  private void wakeUpWhenBatchIsDue() {
    long due = config.batchMaxWaitMs() - (clock.millis() - buffer.oldestTakenAtMs());
    context.timeout(Math.max(1, due));
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    if (!buffer.isEmpty()) {
      try {
        writeBuffer("commit");
      } catch (SQLException e) {
        // Commit what is already written; the buffer stays and put() retries it with back-off.
        log.warn(
            "database unavailable at offset commit, committing written batches only sqlState={}",
            SqlFailure.sqlState(e));
      }
    }
    Map<TopicPartition, OffsetAndMetadata> committable = new HashMap<>(written);
    committable.keySet().retainAll(currentOffsets.keySet());
    return committable;
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> rewind = buffer.discardFor(partitions);
    if (!rewind.isEmpty()) {
      context.offset(rewind);
    }
    written.keySet().removeAll(partitions);
    redeliveryMark = null;
  }

  @Override
  public void stop() {
    if (writer != null) {
      writer.close();
    }
  }

  private void take(SinkRecord record, long now) {
    try {
      var removal = deletions.removalOf(record);
      if (removal.isPresent()) {
        buffer.remove(removal.get(), record, now);
        return;
      }
      String tenant = RecordTenant.of(record);
      ResourceRow row =
          deletions
              .deletionOf(record)
              .orElseGet(() -> extractor.extract(record.value(), record.timestamp()));
      buffer.add(row.withTenant(tenant), record, now);
    } catch (UnwritableRecordException e) {
      deadLetters.report(record, e);
      buffer.markTaken(record, now);
    }
  }

  /**
   * Writes the buffer as one transaction. A data error (the database refuses some row) is resolved
   * row by row: refused rows are dead-lettered, the others written. Transient errors are thrown for
   * the caller to retry; anything else fails the task.
   */
  private void writeBuffer(String reason) throws SQLException {
    long startedMs = clock.millis();
    try {
      RecordWriter.WriteResult result = writer.write(buffer.removals(), buffer.rows());
      long committedMs = clock.millis();
      metrics.batchWritten(
          result.rows() - result.patientMismatches().size(), committedMs - startedMs);
      long oldest = buffer.oldestTimestampMs();
      if (oldest >= 0) {
        metrics.recordDelay(committedMs - oldest);
      }
      // Where a batch's time went: reaching put() (topology, transaction commit, fetch, the task
      // busy
      // with the previous batch), waiting in the buffer, the transaction. bench/run-freshness reads
      // it.
      log.debug(
          "batch committed reason={} records={} rows={} changed={} arrivalAgeMaxMs={} bufferedMs={}"
              + " writeMs={} oldestAgeMs={}",
          reason,
          buffer.recordsTaken(),
          result.rows(),
          result.changed(),
          batchArrivalAgeMaxMs,
          startedMs - buffer.oldestTakenAtMs(),
          committedMs - startedMs,
          oldest >= 0 ? committedMs - oldest : -1);
      deadLetterPatientMismatches(buffer.pending(), result);
    } catch (SQLException | RuntimeException e) {
      switch (SqlFailure.classify(e)) {
        case TRANSIENT -> {
          if (e instanceof SQLException sql) {
            throw sql;
          }
          throw new SQLException("transient failure", SqlFailure.sqlState(e), e);
        }
        case DATA -> metrics.batchWritten(writeRowByRow(), clock.millis() - startedMs);
        case FATAL -> {
          buffer.clear();
          throw new ConnectException(
              "database write failed, not retriable sqlState="
                  + SqlFailure.sqlState(e)
                  + " error="
                  + e.getClass().getName());
        }
      }
    }
    written.putAll(buffer.offsets());
    buffer.clear();
    batchArrivalAgeMaxMs = 0;
    failedAttempts = 0;
  }

  /** Returns how many rows were written. */
  private int writeRowByRow() throws SQLException {
    // Removals first, as in the batch: the rows kept are the ones that came after them.
    writer.write(buffer.removals(), java.util.List.of());
    int rows = 0;
    for (Iterator<ReducedBuffer.Pending> it = buffer.pending().iterator(); it.hasNext(); ) {
      ReducedBuffer.Pending pending = it.next();
      try {
        RecordWriter.WriteResult one = writer.write(java.util.List.of(pending.row()));
        deadLetterPatientMismatches(java.util.List.of(pending), one);
        rows += one.rows() - one.patientMismatches().size();
      } catch (SQLException e) {
        if (SqlFailure.classify(e) != SqlFailure.DATA) {
          throw e;
        }
        deadLetters.report(
            pending.source(), new UnwritableRecordException(RejectReason.DATABASE_REJECTED));
      }
    }
    return rows;
  }

  /** The rows the writer held back because their id is stored under another patient. */
  private void deadLetterPatientMismatches(
      Collection<ReducedBuffer.Pending> written, RecordWriter.WriteResult result) {
    if (result.patientMismatches().isEmpty()) {
      return;
    }
    for (ReducedBuffer.Pending pending : written) {
      if (pending.row().type() == ResourceType.OBSERVATION
          && result.patientMismatches().contains(pending.row().id())) {
        deadLetters.report(
            pending.source(), new UnwritableRecordException(RejectReason.PATIENT_MISMATCH));
      }
    }
  }

  private RuntimeException retryLater(SQLException e) {
    failedAttempts++;
    metrics.writeFailed();
    if (failedAttempts > config.maxRetries()) {
      return new ConnectException(
          "database unavailable after "
              + config.maxRetries()
              + " retries sqlState="
              + SqlFailure.sqlState(e));
    }
    long backoff =
        Math.min(
            config.retryBackoffMaxMs(),
            config.retryBackoffMs() << Math.min(failedAttempts - 1, 20));
    log.warn(
        "database unavailable, retry {} of {} in {} ms sqlState={}",
        failedAttempts,
        config.maxRetries(),
        backoff,
        SqlFailure.sqlState(e));
    context.timeout(backoff);
    return new RetriableException("database unavailable sqlState=" + SqlFailure.sqlState(e));
  }

  private static String markOf(Collection<SinkRecord> records) {
    if (records.isEmpty()) {
      return "empty";
    }
    SinkRecord first = records.iterator().next();
    return first.originalTopic()
        + "/"
        + first.originalKafkaPartition()
        + "/"
        + first.originalKafkaOffset()
        + "/"
        + records.size();
  }
}
