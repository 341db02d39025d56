package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.store.StoreTables;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class DeletionMarkerTest {

  private final DeletionMarker marker =
      new DeletionMarker(Map.of(ResourceType.OBSERVATION, StoreTables.OBSERVATION));

  @Test
  void aNullValueWithTheContractHeadersIsTheDeletionOfThatObservationOfTheKeysPatient() {
    ResourceRow row =
        marker
            .deletionOf(
                record("pat-1".getBytes(StandardCharsets.UTF_8), null, "Observation", "obs-1"))
            .orElseThrow();

    assertThat(row.isDeletion()).isTrue();
    assertThat(row.id()).isEqualTo("obs-1");
    assertThat(row.patientId()).isEqualTo("pat-1");
  }

  @Test
  void anErasureRecordIsARemovalOfThePatientsObservationsOrOfTheTombstonedRowNotADeletion() {
    DeletionMarker all =
        new DeletionMarker(
            Map.of(
                ResourceType.OBSERVATION,
                "o",
                ResourceType.PATIENT,
                "p",
                ResourceType.DEVICE,
                "d"));
    SinkRecord observations = record("pat-1", null, "Observation", null);
    observations.headers().addString(FhirRecordHeaders.ERASURE_REQUEST_ID, "req-1");
    SinkRecord patient = record("pat-1", null, "Patient", "pat-1");
    patient.headers().addString(FhirRecordHeaders.ERASURE_REQUEST_ID, "req-1");
    SinkRecord device = record("dev-1", null, "Device", "dev-2");
    device.headers().addString(FhirRecordHeaders.ERASURE_REQUEST_ID, "req-1");

    assertThat(all.removalOf(observations))
        .contains(new Removal(ResourceType.OBSERVATION, "pat-1"));
    assertThat(all.deletionOf(observations)).isEmpty();
    assertThat(all.removalOf(patient)).contains(new Removal(ResourceType.PATIENT, "pat-1"));
    assertThatThrownBy(() -> all.removalOf(device))
        .as("a tombstone names its key")
        .isInstanceOfSatisfying(
            UnwritableRecordException.class,
            e -> assertThat(e.reason().code()).isEqualTo("INVALID_ID"));
    assertThat(all.removalOf(record("pat-1", null, "Observation", "obs-1")))
        .as("a deletion marker")
        .isEmpty();
  }

  @Test
  void aRecordWithAValueOrWithoutTheHeadersIsNotAMarker() {
    assertThat(
            marker.deletionOf(
                record("pat-1", "{}".getBytes(StandardCharsets.UTF_8), "Observation", "obs-1")))
        .isEmpty();
    assertThat(marker.deletionOf(record("pat-1", null, null, null))).isEmpty();
  }

  @Test
  void aMarkerThatCannotBeAppliedSaysWhy() {
    assertThatThrownBy(() -> marker.deletionOf(record("pat-1", null, "Patient", "pat-1")))
        .hasFieldOrPropertyWithValue("reason", RejectReason.UNKNOWN_RESOURCE_TYPE);
    assertThatThrownBy(() -> marker.deletionOf(record("pat-1", null, "Observation", "no/slash")))
        .hasFieldOrPropertyWithValue("reason", RejectReason.INVALID_ID);
    assertThatThrownBy(() -> marker.deletionOf(record(null, null, "Observation", "obs-1")))
        .hasFieldOrPropertyWithValue("reason", RejectReason.MISSING_SUBJECT);
  }

  private static SinkRecord record(Object key, byte[] value, String type, String id) {
    ConnectHeaders headers = new ConnectHeaders();
    if (type != null) {
      headers.addBytes(FhirRecordHeaders.RESOURCE_TYPE, type.getBytes(StandardCharsets.UTF_8));
    }
    if (id != null) {
      headers.addString(FhirRecordHeaders.RESOURCE_ID, id);
    }
    return new SinkRecord(
        PipelineTopic.Names.OBSERVATION, 0, null, key, null, value, 1, null, null, headers);
  }
}
