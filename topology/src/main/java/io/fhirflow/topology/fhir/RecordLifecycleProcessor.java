package io.fhirflow.topology.fhir;

import io.fhirflow.mapping.ResourceIds;
import io.fhirflow.schema.SampleDeletions;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.topology.dedupe.RememberVersionProcessor;
import io.fhirflow.topology.ingest.Inbound;
import io.fhirflow.topology.ingest.SampleIdentity;
import io.fhirflow.topology.metrics.MetricsUpdate;
import io.fhirflow.topology.ops.FlowCounters;
import io.fhirflow.topology.ops.SourceMarks;
import io.fhirflow.topology.ops.TenantFlowCounters;
import io.fhirflow.topology.summary.SummaryInput;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Carries out the phone's deletions and keeps deleted records deleted.
 *
 * <p>State ({@link #STORE}): record identity (user, platform, record id) → {@link
 * DerivedResources}, written by {@link RememberVersionProcessor} once a version mapped, so a
 * deletion finds every Observation any version produced (each point of a series, each member of a
 * correlation) however old the record is: unlike the dedupe store, entries do not expire. A
 * deletion retracts each of them with a null-value record on the Observation topic (the contract's
 * deletion marker, {@code FhirRecordHeaders}) and takes the record's share out of the metrics' day
 * aggregates, then leaves a one-byte "deleted" entry. A version of the record arriving after that
 * (a late original, or a version written before the deletion and delivered after it) is dropped: a
 * deletion is final, as on the phone, where a deleted record id is never used again. A deletion of
 * a record never seen leaves the same entry, so the original cannot appear later either; it is
 * counted, not dead-lettered.
 *
 * <p>Runs before dedupe, so a late version never touches the dedupe store; one point get per
 * record.
 */
public final class RecordLifecycleProcessor
    extends ContextualProcessor<byte[], Inbound, Object, Object> {

  public static final String STORE = "record-derived-resources";
  private static final String OBSERVATION = "Observation";

  /**
   * Names of the nodes this processor forwards to; {@code metrics} / {@code summaries} are null
   * without their branch.
   */
  public record Children(String samples, String observations, String metrics, String summaries) {}

  private final FlowCounters counters;
  private final SourceMarks source;
  private final Children children;
  private KeyValueStore<Bytes, DerivedResources> records;

  public RecordLifecycleProcessor(FlowCounters counters, Children children) {
    this.counters = counters;
    this.source = new SourceMarks(counters);
    this.children = children;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    super.init(context);
    records = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<byte[], Inbound> record) {
    WearableSample sample = record.value().sample();
    Bytes identity = Bytes.wrap(SampleIdentity.of(record.value().tenant(), sample));
    DerivedResources known = records.get(identity);
    if (SampleDeletions.isDeletion(sample)) {
      delete(record, sample, identity, known);
    } else if (known != null && known.deleted()) {
      count(DeletionOutcome.LATE_VERSION, 0);
    } else {
      context().forward(record, children.samples());
    }
  }

  private void delete(
      Record<byte[], Inbound> record,
      WearableSample deletion,
      Bytes identity,
      DerivedResources known) {
    if (known == null) {
      records.put(identity, DerivedResources.DELETED);
      count(DeletionOutcome.UNKNOWN, 0);
      return;
    }
    if (known.deleted()) {
      count(DeletionOutcome.ALREADY_DELETED, 0);
      return;
    }
    String tenant = record.value().tenant();
    String patientId = ResourceIds.patient(tenant, deletion.getUserId());
    byte[] recordId = deletion.getRecordId().getBytes(StandardCharsets.UTF_8);
    DeletionMarkers.forward(
        context(),
        children.observations(),
        tenant,
        patientId,
        known.observationIds(),
        recordId,
        record.timestamp());
    if (children.metrics() != null && !known.contributions().isEmpty()) {
      context()
          .forward(
              new Record<>(
                  patientId,
                  new MetricsUpdate(tenant, patientId, List.of(), List.of(), known.contributions()),
                  record.timestamp()),
              children.metrics());
    }
    if (children.summaries() != null) {
      context()
          .forward(
              new Record<>(
                  patientId,
                  SummaryInput.deletion(tenant, identity, patientId),
                  record.timestamp()),
              children.summaries());
    }
    records.put(identity, DerivedResources.DELETED);
    count(DeletionOutcome.REMOVED, known.observationIds().size());
  }

  /**
   * Counts the record once, however often an aborted transaction makes the task process it ({@link
   * FlowCounters.Marks}).
   */
  private void count(DeletionOutcome outcome, int markers) {
    TenantFlowCounters tenant = source.firstOutcome(context().recordMetadata().orElseThrow());
    if (tenant != null) {
      tenant.deleted(outcome);
      if (markers > 0) {
        counters.retracted(OBSERVATION, markers);
      }
    }
  }
}
