package io.fhirflow.topology.fhir;

import java.util.Collection;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Retracts Observations from {@code fhir.r4.observation}: one null-value record per id, keyed by
 * the patient like every record of that topic, with the contract's headers (docs/contracts.md). The
 * one place that writes deletion markers, for a phone's deletion ({@link RecordLifecycleProcessor})
 * and for an update that no longer has an Observation of its previous version ({@link
 * MapProcessor}).
 */
final class DeletionMarkers {
  private static final String OBSERVATION = "Observation";

  private DeletionMarkers() {}

  static void forward(
      ProcessorContext<Object, Object> context,
      String child,
      String tenant,
      String patientId,
      Collection<String> observationIds,
      byte[] sourceRecordId,
      long timestamp) {
    for (String id : observationIds) {
      context.forward(
          new Record<>(
              patientId,
              null,
              timestamp,
              FhirTopicHeaders.of(tenant, OBSERVATION, id, sourceRecordId)),
          child);
    }
  }
}
