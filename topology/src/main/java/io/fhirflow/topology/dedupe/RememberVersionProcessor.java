package io.fhirflow.topology.dedupe;

import io.fhirflow.topology.fhir.DerivedResources;
import io.fhirflow.topology.fhir.RecordLifecycleProcessor;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Writes the accepted version into the dedupe store once mapping succeeded, with what it added to
 * day aggregates, and the ids of the Observations it produced into the record's {@link
 * DerivedResources} (so a deletion at any age finds them). It shares {@link DedupProcessor#STORE}
 * and {@link RecordLifecycleProcessor#STORE}; the gets there and the puts here run in the same
 * task, one record at a time, so nothing can slip in between. A sample that mapping rejected is not
 * remembered: its next copy is rejected (and counted) again, deterministically.
 */
public final class RememberVersionProcessor
    extends ContextualProcessor<Object, RememberVersionProcessor.Remember, Void, Void> {

  /** The version to store with its day contributions, and the Observations it was mapped to. */
  public record Remember(Bytes identity, SeenVersion version, List<String> observationIds) {}

  private TimestampedKeyValueStore<Bytes, SeenVersion> seen;
  private KeyValueStore<Bytes, DerivedResources> derived;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    super.init(context);
    seen = context.getStateStore(DedupProcessor.STORE);
    derived = context.getStateStore(RecordLifecycleProcessor.STORE);
  }

  @Override
  public void process(Record<Object, Remember> record) {
    Remember r = record.value();
    seen.put(r.identity(), ValueAndTimestamp.make(r.version(), record.timestamp()));
    DerivedResources prior = derived.get(r.identity());
    DerivedResources next =
        DerivedResources.merge(prior, r.observationIds(), r.version().contributions());
    // Most versions change nothing here (an update keeps its ids and usually its day shares): no
    // write, no changelog record.
    if (!next.equals(prior)) {
      derived.put(r.identity(), next);
    }
  }
}
