package io.fhirflow.topology.erasure;

import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.mapping.ErasureAuditEvent;
import io.fhirflow.mapping.ResourceIds;
import io.fhirflow.schema.Platform;
import io.fhirflow.serde.ErasureRequest;
import io.fhirflow.topology.FhirFlowTopology;
import io.fhirflow.topology.PrefixedEntries;
import io.fhirflow.topology.deadletter.DeadLetterFit;
import io.fhirflow.topology.deadletter.DeadLetterHeaders;
import io.fhirflow.topology.deadletter.DeadLetterStage;
import io.fhirflow.topology.dedupe.DedupProcessor;
import io.fhirflow.topology.fhir.DerivedResources;
import io.fhirflow.topology.fhir.EmitOnChangeProcessor;
import io.fhirflow.topology.fhir.FhirTopicHeaders;
import io.fhirflow.topology.fhir.RecordLifecycleProcessor;
import io.fhirflow.topology.ingest.SampleIdentity;
import io.fhirflow.topology.metrics.MetricsProcessor;
import io.fhirflow.topology.metrics.TenantPatient;
import io.fhirflow.topology.ops.FlowCounters;
import io.fhirflow.topology.summary.SummaryInput;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases a person from everything the topology keeps, in the task that holds their state (the
 * erasure topic is partitioned like the raw topic), inside the task's exactly-once transaction:
 *
 * <ul>
 *   <li>state: every entry of the user in the dedupe store and the record store (so a sample sent
 *       after the erasure is new, even one the phone had deleted), their Patient's and Devices'
 *       content hashes, their metrics day aggregates and latest values;
 *   <li>topics: a tombstone (null value) for their Patient on the Patient topic and for each of
 *       their Devices on the Device topic (compaction then drops every earlier record of those
 *       keys), and the erasure marker on the Observation topic ({@link FhirRecordHeaders}), after
 *       which the sink removes the patient's rows;
 *   <li>Redis: the metrics branch drops what it had pending for them and removes their keys ({@link
 *       MetricsProcessor}, retried until Redis confirms);
 *   <li>an AuditEvent of the erasure on the audit topic: who asked, when, counts of what was
 *       removed.
 * </ul>
 *
 * A record that is not an erasure request goes to the dead-letter topic (stage {@code erase}).
 * Erasing a person twice, or one fhirflow never saw, is harmless: the second event counts zeros.
 */
public final class ErasureProcessor extends ContextualProcessor<byte[], byte[], Object, Object> {

  private static final Logger log = LoggerFactory.getLogger(ErasureProcessor.class);
  static final String OBSERVER = "fhirflow-topology";
  static final String NOT_AN_ERASURE_REQUEST = "NOT_AN_ERASURE_REQUEST";
  private static final Serializer<Bytes> BYTES = Serdes.Bytes().serializer();
  private static final Serializer<String> STRINGS = Serdes.String().serializer();
  private static final String OBSERVATION = "Observation";
  private static final String PATIENT = "Patient";
  private static final String DEVICE = "Device";
  private static final String AUDIT_EVENT = "AuditEvent";

  /**
   * Names of the nodes this processor forwards to; {@code metrics} is null without the metrics
   * branch. The patient and device change steps get a null value: forget what you remember.
   */
  public record Children(
      String observations,
      String patients,
      String devices,
      String patientChanges,
      String deviceChanges,
      String metrics,
      String audit,
      String deadLetters,
      String summaries) {}

  private final Clock clock;
  private final FlowCounters counters;
  private final Children children;
  private final int sendMaxBytes;
  private KeyValueStore<Bytes, ?> seen;
  private KeyValueStore<Bytes, DerivedResources> records;
  private KeyValueStore<String, byte[]> patientHashes;
  private KeyValueStore<String, byte[]> deviceHashes;
  private KeyValueStore<String, ?> days;
  private KeyValueStore<String, ?> latest;

  public ErasureProcessor(Clock clock, FlowCounters counters, Children children, int sendMaxBytes) {
    this.clock = clock;
    this.counters = counters;
    this.children = children;
    this.sendMaxBytes = sendMaxBytes;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    super.init(context);
    seen = context.getStateStore(DedupProcessor.STORE);
    records = context.getStateStore(RecordLifecycleProcessor.STORE);
    patientHashes = context.getStateStore(FhirFlowTopology.PATIENT_HASHES);
    deviceHashes = context.getStateStore(FhirFlowTopology.DEVICE_HASHES);
    if (children.metrics() != null) {
      days = context.getStateStore(MetricsProcessor.DAYS_STORE);
      latest = context.getStateStore(MetricsProcessor.LATEST_STORE);
    }
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    var request = ErasureRequest.parse(record.key(), record.value());
    if (request.isEmpty()) {
      reject(record);
      return;
    }
    erase(record, request.get());
  }

  private void erase(Record<byte[], byte[]> record, ErasureRequest request) {
    String tenant = request.tenant();
    String patientId = ResourceIds.patient(tenant, request.userId());
    byte[] requestId = request.requestId().getBytes(StandardCharsets.UTF_8);
    long time = record.timestamp();
    Map<String, Long> removed = new LinkedHashMap<>();

    long observations = 0;
    long recordEntries = 0;
    long dedupeEntries = 0;
    for (Platform platform : Platform.values()) {
      Bytes prefix = Bytes.wrap(SampleIdentity.userPrefix(tenant, request.userId(), platform));
      for (KeyValue<Bytes, DerivedResources> e : PrefixedEntries.remove(records, prefix, BYTES)) {
        recordEntries++;
        observations += e.value.observationIds().size();
      }
      dedupeEntries += PrefixedEntries.remove(seen, prefix, BYTES).size();
    }
    removed.put("observations-known", observations);
    removed.put("record-store-entries", recordEntries);
    removed.put("dedupe-store-entries", dedupeEntries);

    // Observations: one marker after all of the patient's earlier records in their partition; no
    // resource id, which tells it from a deletion marker: it names every Observation of the key.
    forwardMarker(
        patientId,
        time,
        FhirTopicHeaders.erasure(tenant, OBSERVATION, null, requestId),
        children.observations());

    long patients = patientHashes.delete(patientId) != null ? 1 : 0;
    // A tombstone whether or not the store knew the Patient: it may predate the store (a reset).
    forwardMarker(
        patientId,
        time,
        FhirTopicHeaders.erasure(tenant, PATIENT, patientId, requestId),
        children.patients());
    context().forward(new Record<>(patientId, null, time), children.patientChanges());
    removed.put("patient-tombstones", 1L);
    removed.put("patient-store-entries", patients);

    List<KeyValue<String, byte[]>> devices =
        PrefixedEntries.remove(deviceHashes, EmitOnChangeProcessor.ownerPrefix(patientId), STRINGS);
    for (KeyValue<String, byte[]> d : devices) {
      String deviceId = d.key.substring(EmitOnChangeProcessor.ownerPrefix(patientId).length());
      forwardMarker(
          deviceId,
          time,
          FhirTopicHeaders.erasure(tenant, DEVICE, deviceId, requestId),
          children.devices());
    }
    context().forward(new Record<>(patientId, null, time), children.deviceChanges());
    removed.put("device-tombstones", (long) devices.size());

    if (children.metrics() != null) {
      TenantPatient who = TenantPatient.of(tenant, patientId);
      String metricsPrefix = who.storePrefix();
      removed.put(
          "metric-day-aggregates",
          (long) PrefixedEntries.remove(days, metricsPrefix, STRINGS).size());
      removed.put(
          "metric-latest-values",
          (long) PrefixedEntries.remove(latest, metricsPrefix, STRINGS).size());
      // The metrics branch drops what it has pending for them and removes their Redis keys (the
      // tenant's: the key names it).
      context().forward(new Record<>(who.key(), null, time), children.metrics());
      removed.put("redis-key-erasures-queued", 1L);
    }

    if (children.summaries() != null) {
      // The summaries branch removes the person's contributions and summary state
      // (docs/summaries.md).
      context()
          .forward(
              new Record<>(
                  patientId, SummaryInput.erasure(tenant, request.userId(), patientId), time),
              children.summaries());
    }

    String audit =
        ErasureAuditEvent.json(
            tenant,
            request.requestId(),
            patientId,
            request.requestedBy(),
            request.requestedAt(),
            clock.instant(),
            OBSERVER,
            removed);
    Headers h = FhirTopicHeaders.erasure(tenant, AUDIT_EVENT, null, requestId);
    context().forward(new Record<>(request.requestId(), audit, time, h), children.audit());
    counters.erasure("erased");
    RecordMetadata source = context().recordMetadata().orElseThrow();
    // The request id only: it names no person (the AuditEvent links it to the Patient).
    log.info(
        "erasure carried out partition={} offset={} request={} records={} devices={}",
        source.partition(),
        source.offset(),
        request.requestId(),
        recordEntries,
        devices.size());
  }

  /** Forwards a null value (a tombstone, or the Observations' marker) with its erasure headers. */
  private void forwardMarker(String key, long time, Headers erasureHeaders, String child) {
    context().forward(new Record<>(key, null, time, erasureHeaders), child);
  }

  private void reject(Record<byte[], byte[]> record) {
    RecordMetadata source = context().recordMetadata().orElseThrow();
    Headers h = new RecordHeaders(record.headers().toArray());
    DeadLetterHeaders.add(
        h,
        DeadLetterStage.ERASE,
        NOT_AN_ERASURE_REQUEST,
        ErasureRequest.class.getSimpleName(),
        source.topic(),
        source.partition(),
        source.offset(),
        clock.instant());
    counters.erasure("rejected");
    log.warn(
        "erasure request rejected topic={} partition={} offset={} reason={}",
        source.topic(),
        source.partition(),
        source.offset(),
        NOT_AN_ERASURE_REQUEST);
    DeadLetterFit.Fitted fitted = DeadLetterFit.fit(record.key(), record.value(), h, sendMaxBytes);
    context()
        .forward(
            new Record<>(fitted.key(), fitted.value(), record.timestamp(), fitted.headers()),
            children.deadLetters());
  }
}
