package io.fhirflow.sink;

import io.fhirflow.contracts.DeadLetterHeaders;
import java.time.Clock;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands unwritable records to Connect's own dead-letter mechanism ({@link ErrantRecordReporter},
 * KIP-610), adding the team's {@code dlq.*} headers. Connect writes the record to {@code
 * errors.deadletterqueue.topic.name} and waits for that write before committing offsets.
 *
 * <p>A fresh {@link SinkRecord} (not Connect's internal one) is reported so that our headers are
 * kept; with ByteArrayConverter the key and value bytes are the original ones.
 */
final class DeadLetters {

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  static final String STAGE = "sink";

  private final ErrantRecordReporter reporter;
  private final Clock clock;
  private final SinkTaskMetrics metrics;

  DeadLetters(ErrantRecordReporter reporter, Clock clock, SinkTaskMetrics metrics) {
    this.reporter = reporter;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * The worker's reporter, or null on a runtime older than Kafka 2.6 (records then fail the task).
   */
  static ErrantRecordReporter reporterOf(SinkTaskContext context) {
    try {
      return context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      return null;
    }
  }

  /**
   * Dead-letters {@code record}. Without a reporter (no DLQ support), or with {@code
   * errors.tolerance=none}, the task fails instead: a record is never dropped silently.
   */
  void report(SinkRecord record, UnwritableRecordException reason) {
    log.warn(
        "record dead-lettered topic={} partition={} offset={} reason={}",
        record.originalTopic(),
        record.originalKafkaPartition(),
        record.originalKafkaOffset(),
        reason.reason().code());
    if (reporter == null) {
      throw new ConnectException(
          "unwritable record at topic="
              + record.originalTopic()
              + " partition="
              + record.originalKafkaPartition()
              + " offset="
              + record.originalKafkaOffset()
              + " reason="
              + reason.reason().code()
              + " and this Connect runtime has no dead-letter reporter");
    }
    Headers headers =
        record
            .headers()
            .duplicate()
            .addString(DeadLetterHeaders.STAGE, STAGE)
            .addString(DeadLetterHeaders.REASON, reason.reason().code())
            .addString(DeadLetterHeaders.ERROR_CLASS, UnwritableRecordException.class.getName())
            .addString(DeadLetterHeaders.SOURCE_TOPIC, record.originalTopic())
            .addString(
                DeadLetterHeaders.SOURCE_PARTITION, String.valueOf(record.originalKafkaPartition()))
            .addString(
                DeadLetterHeaders.SOURCE_OFFSET, String.valueOf(record.originalKafkaOffset()))
            .addString(DeadLetterHeaders.TIME, clock.instant().toString());
    SinkRecord withHeaders =
        new SinkRecord(
            record.originalTopic(),
            record.originalKafkaPartition(),
            record.keySchema(),
            record.key(),
            record.valueSchema(),
            record.value(),
            record.originalKafkaOffset(),
            record.timestamp(),
            record.timestampType(),
            headers);
    reporter.report(withHeaders, reason);
    metrics.deadLettered(reason.reason().code());
  }
}
