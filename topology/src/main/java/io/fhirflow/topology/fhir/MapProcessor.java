package io.fhirflow.topology.fhir;

import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.FhirResource;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.MappingOutcome;
import io.fhirflow.mapping.Rejection;
import io.fhirflow.topology.deadletter.DeadLetterReasons;
import io.fhirflow.topology.deadletter.DeadLetterStage;
import io.fhirflow.topology.deadletter.RecordSize;
import io.fhirflow.topology.dedupe.RememberVersionProcessor;
import io.fhirflow.topology.ingest.Accepted;
import io.fhirflow.topology.metrics.DayAggregates;
import io.fhirflow.topology.metrics.DayContribution;
import io.fhirflow.topology.metrics.MetricsUpdate;
import io.fhirflow.topology.ops.FlowCounters;
import io.fhirflow.topology.ops.SourceMarks;
import io.fhirflow.topology.ops.TenantFlowCounters;
import io.fhirflow.topology.summary.SummaryInput;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Maps an accepted sample to FHIR R4 and fans the result out: Observations to their topic, Patient
 * and Device to the emit-on-change steps, the version to the dedupe store and the metric points to
 * the metrics branch. A typed rejection goes to the dead-letter branch. A newer version that no
 * longer has an Observation of its previous one retracts it with a deletion marker.
 */
public final class MapProcessor extends ContextualProcessor<byte[], Accepted, Object, Object> {
  private static final String OBSERVATION = "Observation";

  private final FhirMapper mapper;
  private final FlowCounters counters;
  private final SourceMarks source;
  private final Children children;

  /**
   * Names of the nodes this processor forwards to; {@code metrics} / {@code summaries} are null
   * without their branch.
   */
  public record Children(
      String observations,
      String patients,
      String devices,
      String remember,
      String metrics,
      String rejected,
      String summaries) {}

  private final int sendMaxBytes;

  public MapProcessor(
      FhirMapper mapper, FlowCounters counters, Children children, int sendMaxBytes) {
    this.mapper = mapper;
    this.counters = counters;
    this.source = new SourceMarks(counters);
    this.children = children;
    this.sendMaxBytes = sendMaxBytes;
  }

  private KeyValueStore<Bytes, DerivedResources> derived;

  @Override
  public void init(
      org.apache.kafka.streams.processor.api.ProcessorContext<Object, Object> context) {
    super.init(context);
    derived = context.getStateStore(RecordLifecycleProcessor.STORE);
  }

  @Override
  public void process(Record<byte[], Accepted> record) {
    Accepted accepted = record.value();
    MappingOutcome outcome =
        mapper.map(accepted.inbound().tenant(), accepted.inbound().sample(), accepted.amended());
    if (outcome instanceof Rejection rejection) {
      reject(record, rejection);
    } else if (outcome instanceof Mapped mapped) {
      emit(record, accepted, mapped);
    }
  }

  private void emit(Record<byte[], Accepted> record, Accepted accepted, Mapped mapped) {
    byte[] sourceRecordId =
        accepted.inbound().sample().getRecordId().getBytes(StandardCharsets.UTF_8);
    String patientId = mapped.patient().id();
    String tenant = accepted.inbound().tenant();
    // Encoded here rather than by the sink's serializer (the same work once), so the size is known
    // before anything is sent: a sample whose output the producer would refuse is rejected whole.
    List<FhirResource> observations = mapped.observations();
    byte[][] bodies = new byte[observations.size()][];
    int fixed = 3 * patientId.length() + FIXED_HEADER_BYTES + sourceRecordId.length;
    for (int i = 0; i < bodies.length; i++) {
      bodies[i] = observations.get(i).json().getBytes(StandardCharsets.UTF_8);
      if (fixed + bodies[i].length > sendMaxBytes) {
        tooLarge(record);
        return;
      }
    }
    if (!fits(mapped.patient(), sourceRecordId)
        || (mapped.device().isPresent() && !fits(mapped.device().get(), sourceRecordId))) {
      tooLarge(record);
      return;
    }
    for (int i = 0; i < bodies.length; i++) {
      FhirResource observation = observations.get(i);
      context()
          .forward(
              new Record<>(
                  patientId,
                  bodies[i],
                  record.timestamp(),
                  FhirTopicHeaders.of(tenant, observation, sourceRecordId)),
              children.observations());
    }
    List<String> observationIds = observations.stream().map(FhirResource::id).toList();
    List<String> dropped =
        accepted.amended() ? droppedIds(accepted.identity(), observationIds) : List.of();
    DeletionMarkers.forward(
        context(),
        children.observations(),
        tenant,
        patientId,
        dropped,
        sourceRecordId,
        record.timestamp());
    context()
        .forward(
            new Record<>(
                patientId,
                mapped.patient(),
                record.timestamp(),
                FhirTopicHeaders.of(tenant, mapped.patient(), sourceRecordId)),
            children.patients());
    mapped
        .device()
        .ifPresent(
            device ->
                // Keyed by its owner here: the change step keeps a person's Devices together (for
                // erasure) and keys its output by the Device id.
                context()
                    .forward(
                        new Record<>(
                            patientId,
                            device,
                            record.timestamp(),
                            FhirTopicHeaders.of(tenant, device, sourceRecordId)),
                        children.devices()));

    List<DayContribution> contributions = List.of();
    if (children.metrics() != null) {
      List<DayAggregates.Part> parts = DayAggregates.partsOf(mapped.metrics());
      contributions = DayAggregates.contributionsOf(parts);
      context()
          .forward(
              new Record<>(
                  patientId,
                  new MetricsUpdate(
                      tenant, patientId, mapped.metrics(), parts, accepted.priorContributions()),
                  record.timestamp()),
              children.metrics());
    }
    // Summaries need the points of a sample that has some, and any update (it may take earlier ones
    // back).
    if (children.summaries() != null && (!mapped.metrics().isEmpty() || accepted.amended())) {
      context()
          .forward(
              new Record<>(
                  patientId,
                  new SummaryInput(
                      tenant,
                      accepted.identity(),
                      patientId,
                      accepted.version(),
                      mapped.metrics(),
                      accepted.amended()),
                  record.timestamp()),
              children.summaries());
    }
    context()
        .forward(
            new Record<>(
                null,
                new RememberVersionProcessor.Remember(
                    accepted.identity(),
                    accepted.version().withContributions(contributions),
                    observationIds),
                record.timestamp()),
            children.remember());

    TenantFlowCounters counted = source.firstOutcome(context().recordMetadata().orElseThrow());
    if (counted != null) {
      observations.forEach(o -> counters.emitted(o.resourceType()));
      if (!dropped.isEmpty()) {
        counters.retracted(OBSERVATION, dropped.size());
      }
      if (accepted.amended()) {
        counted.update();
      } else {
        counted.out();
      }
    }
  }

  /**
   * The Observations the record's previous version produced that this version no longer has (a
   * Health Connect series edited on the phone, a point removed): each gets a deletion marker, as if
   * that part of the record were deleted, so the topic and the store agree with the day totals
   * (which take the previous version's share back).
   */
  private List<String> droppedIds(Bytes identity, List<String> current) {
    DerivedResources prior = derived.get(identity);
    if (prior == null || prior.deleted()) {
      return List.of();
    }
    Set<String> now = new HashSet<>(current);
    return prior.observationIds().stream().filter(id -> !now.contains(id)).toList();
  }

  /**
   * The headers other than the source record id, generously: names, resource type, FHIR version,
   * resource id (a UUID).
   */
  private static final int FIXED_HEADER_BYTES = 256;

  /**
   * A Patient or Device (key = its id) fits; they are small, so the exact size is rarely computed.
   */
  private boolean fits(FhirResource resource, byte[] sourceRecordId) {
    long budget =
        (long) sendMaxBytes
            - FIXED_HEADER_BYTES
            - sourceRecordId.length
            - 3L * resource.id().length();
    return RecordSize.fits(resource.json(), budget);
  }

  private void tooLarge(Record<byte[], Accepted> record) {
    deadLetter(record, DeadLetterReasons.OUTPUT_TOO_LARGE, "OutputTooLarge");
  }

  private void reject(Record<byte[], Accepted> record, Rejection rejection) {
    deadLetter(record, rejection.reason().code(), Rejection.class.getSimpleName());
  }

  private void deadLetter(Record<byte[], Accepted> record, String reason, String exceptionName) {
    context()
        .forward(
            record.withValue(
                record.value().inbound().reject(DeadLetterStage.MAP, reason, exceptionName)),
            children.rejected());
  }
}
