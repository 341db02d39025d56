package io.fhirflow.topology.dedupe;

import io.fhirflow.topology.ingest.Accepted;
import io.fhirflow.topology.ingest.Inbound;
import io.fhirflow.topology.ingest.IngestTime;
import io.fhirflow.topology.ingest.SampleIdentity;
import io.fhirflow.topology.ops.FlowCounters;
import io.fhirflow.topology.ops.SourceMarks;
import io.fhirflow.topology.ops.TenantFlowCounters;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Drops equal or older versions of a sample seen inside retention and marks newer ones as updates.
 *
 * <p>State: identity → last accepted version, stamped with the ingest time at which the id was last
 * seen. Expiry runs on that ingest time, never on the measurement time: wearables back-fill (Garmin
 * writes heart rate up to 30 days late) and send out of order, so an event-time window would either
 * drop late samples as too old or forget ids that are still arriving. Keyed on when we last saw the
 * id, a back-filled sample is new the first time and a duplicate every time it comes again within
 * {@code retention} of the last sighting, whatever its measurement date.
 *
 * <p>Why a timestamped key-value store and not a window store: a window store would need a range
 * fetch over several segments to find the last version and a put that adds a row per sighting; here
 * it is one point get per record and one put (a duplicate refreshes its sighting, an accepted
 * version is written by {@link RememberVersionProcessor} once mapping succeeded), with expiry done
 * by a bounded {@link ExpirySweep} on a wall-clock punctuator.
 */
public final class DedupProcessor extends ContextualProcessor<byte[], Inbound, byte[], Accepted> {

  public static final String STORE = "dedupe-seen-versions";

  private final Duration retention;
  private final Duration sweepInterval;
  private final int sweepMaxEntries;
  private final FlowCounters counters;
  private final SourceMarks source;
  private TimestampedKeyValueStore<Bytes, SeenVersion> seen;

  public DedupProcessor(
      Duration retention, Duration sweepInterval, int sweepMaxEntries, FlowCounters counters) {
    this.retention = retention;
    this.sweepInterval = sweepInterval;
    this.sweepMaxEntries = sweepMaxEntries;
    this.counters = counters;
    this.source = new SourceMarks(counters);
  }

  @Override
  public void init(ProcessorContext<byte[], Accepted> context) {
    super.init(context);
    seen = context.getStateStore(STORE);
    ExpirySweep<Bytes, ValueAndTimestamp<SeenVersion>> sweep =
        new ExpirySweep<>(seen, sweepMaxEntries);
    // Wall-clock cadence, stream-time judgement (a replay of old input does not expire ids early),
    // capped by the wall clock (a record stamped in the future does not expire them either).
    context.schedule(
        sweepInterval,
        PunctuationType.WALL_CLOCK_TIME,
        now -> sweep.run(v -> isExpired(v, IngestTime.expiryClock(context, now))));
  }

  @Override
  public void process(Record<byte[], Inbound> record) {
    Bytes identity =
        Bytes.wrap(SampleIdentity.of(record.value().tenant(), record.value().sample()));
    SeenVersion incoming = SeenVersion.of(record.value().sample());
    long ingestTime = IngestTime.of(record, context());
    ValueAndTimestamp<SeenVersion> last = seen.get(identity);
    if (last == null || isExpired(last, ingestTime)) {
      context()
          .forward(
              record.withValue(new Accepted(record.value(), identity, incoming, false, List.of())));
    } else if (isDuplicate(incoming, last.value())) {
      TenantFlowCounters tenant = source.firstOutcome(context().recordMetadata().orElseThrow());
      if (tenant != null) {
        tenant.duplicate();
      }
      refreshSighting(identity, last, ingestTime);
    } else {
      context()
          .forward(
              record.withValue(
                  new Accepted(
                      record.value(), identity, incoming, true, last.value().contributions())));
    }
  }

  private static boolean isDuplicate(SeenVersion incoming, SeenVersion last) {
    return !incoming.isNewerThan(last);
  }

  private boolean isExpired(ValueAndTimestamp<SeenVersion> entry, long now) {
    return entry.timestamp() < now - retention.toMillis();
  }

  /** A duplicate proves the id is still in circulation: keep it for another full retention. */
  private void refreshSighting(
      Bytes identity, ValueAndTimestamp<SeenVersion> last, long ingestTime) {
    if (ingestTime > last.timestamp()) {
      seen.put(identity, ValueAndTimestamp.make(last.value(), ingestTime));
    }
  }
}
