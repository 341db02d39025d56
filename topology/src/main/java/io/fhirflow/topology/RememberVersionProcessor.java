package io.fhirflow.topology;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.common.utils.Bytes;

/**
 * Writes the accepted version into the dedupe store once mapping succeeded, with what it added to
 * day aggregates. It shares {@link DedupProcessor#STORE}; the get there and the put here run in
 * the same task, one record at a time, so nothing can slip in between. A sample that mapping
 * rejected is not remembered: its next copy is rejected (and counted) again, deterministically.
 */
final class RememberVersionProcessor extends ContextualProcessor<Object, RememberVersionProcessor.Remember, Void, Void> {

  /** The version to store and its day contributions. */
  record Remember(Bytes identity, SeenVersion version) {}

  private TimestampedKeyValueStore<Bytes, SeenVersion> seen;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    super.init(context);
    seen = context.getStateStore(DedupProcessor.STORE);
  }

  @Override
  public void process(Record<Object, Remember> record) {
    seen.put(record.value().identity(), ValueAndTimestamp.make(record.value().version(), record.timestamp()));
  }
}
