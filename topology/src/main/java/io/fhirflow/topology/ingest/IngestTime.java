package io.fhirflow.topology.ingest;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * When a raw record came in: its Kafka timestamp, never later than this instance's wall clock.
 *
 * <p>The raw topic is meant to run with {@code message.timestamp.type=LogAppendTime}, so the broker
 * stamps it; the clamp keeps a topic left on CreateTime (where any producer sets the timestamp)
 * from letting one record stamped weeks ahead move stream time and expire every id in the dedupe
 * store at the next sweep. A record without a timestamp (-1) counts as arriving now.
 */
public final class IngestTime {

  private IngestTime() {}

  public static long of(Record<?, ?> record, ProcessorContext<?, ?> context) {
    long now = context.currentSystemTimeMs();
    return record.timestamp() < 0 ? now : Math.min(record.timestamp(), now);
  }

  /** The time expiry is judged on: stream time, never later than the wall clock. */
  public static long expiryClock(ProcessorContext<?, ?> context, long wallClockMs) {
    return Math.min(context.currentStreamTimeMs(), wallClockMs);
  }
}
