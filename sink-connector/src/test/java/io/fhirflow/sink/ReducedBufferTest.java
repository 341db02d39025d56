package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.contracts.PatientOwnership;
import io.fhirflow.contracts.PipelineTopic;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class ReducedBufferTest {

  private static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");
  private final ReducedBuffer buffer = new ReducedBuffer();

  private static ResourceRow row(String id, long version, Instant lastUpdated) {
    return heartRate(id, "p1", version, lastUpdated, "{\"v\":" + version + "}");
  }

  /** A default-tenant heart-rate row of {@code patientId} measured at T0. */
  private static ResourceRow heartRate(
      String id, String patientId, long version, Instant lastUpdated, String json) {
    return new ResourceRow(
        ResourceType.OBSERVATION,
        id,
        patientId,
        "http://loinc.org|8867-4",
        List.of("http://loinc.org|8867-4"),
        null,
        T0,
        T0,
        lastUpdated,
        version,
        null,
        json,
        io.fhirflow.contracts.Tenants.DEFAULT);
  }

  /** The buffer holds one row, and the record it keeps for it is {@code source} itself. */
  private void assertOnlyPendingRecordIs(SinkRecord source) {
    assertThat(buffer.pending())
        .singleElement()
        .extracting(ReducedBuffer.Pending::source)
        .isSameAs(source);
  }

  private static SinkRecord record(int partition, long offset) {
    return new SinkRecord(
        PipelineTopic.Names.OBSERVATION, partition, null, null, null, null, offset);
  }

  @Test
  void keepsOnlyTheNewestVersionOfEachResource() {
    buffer.add(row("a", 2, T0), record(0, 10), 0);
    buffer.add(row("a", 1, T0.plusSeconds(60)), record(0, 11), 0);
    buffer.add(row("b", 1, T0), record(0, 12), 0);
    buffer.add(row("a", 3, T0), record(0, 13), 0);

    assertThat(buffer.rows())
        .extracting(ResourceRow::id, ResourceRow::versionId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", 3L),
            org.assertj.core.groups.Tuple.tuple("b", 1L));
    assertThat(buffer.recordsTaken()).isEqualTo(4);
  }

  @Test
  void aDeletionWinsOverEveryVersionOfItsIdBeforeOrAfterIt() {
    buffer.add(row("a", 2, T0), record(0, 10), 0);
    buffer.add(ResourceRow.deletion(ResourceType.OBSERVATION, "a", "p1"), record(0, 11), 0);
    buffer.add(row("a", 3, T0.plusSeconds(60)), record(0, 12), 0);

    assertThat(buffer.rows()).singleElement().satisfies(r -> assertThat(r.isDeletion()).isTrue());
  }

  @Test
  void anErasureDropsThePatientsRowsBeforeItKeepsThoseAfterItAndOtherPatientsRows() {
    ResourceRow other = heartRate("x", "p2", 1, T0, "{}");
    buffer.add(row("a", 1, T0), record(0, 10), 0);
    buffer.add(other, record(0, 11), 0);
    buffer.add(ResourceRow.deletion(ResourceType.OBSERVATION, "b", "p1"), record(0, 12), 0);
    buffer.remove(new Removal(ResourceType.OBSERVATION, "p1"), record(0, 13), 0);
    buffer.add(row("c", 1, T0), record(0, 14), 0);

    assertThat(buffer.rows()).extracting(ResourceRow::id).containsExactly("x", "c");
    assertThat(buffer.removals()).containsExactly(new Removal(ResourceType.OBSERVATION, "p1"));
    assertThat(buffer.offsets())
        .containsEntry(
            new TopicPartition(PipelineTopic.Names.OBSERVATION, 0), new OffsetAndMetadata(15));
  }

  @Test
  void aTombstoneDropsTheEarlierVersionOfItsRowAndALaterVersionIsKept() {
    ResourceRow patient =
        ResourceRow.identified(ResourceType.PATIENT, "p1", T0, 1, List.of("urn:x|u"), "{}");
    buffer.add(patient, record(0, 1), 0);
    buffer.remove(new Removal(ResourceType.PATIENT, "p1"), record(0, 2), 0);
    assertThat(buffer.rows()).isEmpty();
    buffer.add(patient, record(0, 3), 0);
    assertThat(buffer.rows()).containsExactly(patient);
    assertThat(buffer.removals()).containsExactly(new Removal(ResourceType.PATIENT, "p1"));
    buffer.clear();
    assertThat(buffer.removals()).isEmpty();
  }

  @Test
  void refusesARowForAnIdItHoldsForAnotherPatientAndKeepsTheFirstClaim() {
    SinkRecord first = record(0, 1);
    buffer.add(row("a", 1, T0), first, 0);
    ResourceRow takeover = heartRate("a", "p2", 9, T0, "{}");

    assertThatThrownBy(() -> buffer.add(takeover, record(0, 2), 0))
        .isInstanceOfSatisfying(
            UnwritableRecordException.class,
            e -> assertThat(e.reason().code()).isEqualTo(PatientOwnership.MISMATCH_REASON));
    assertOnlyPendingRecordIs(first);
  }

  @Test
  void breaksAVersionTieByLastUpdated() {
    buffer.add(row("a", 5, T0.plusSeconds(1)), record(0, 1), 0);
    buffer.add(row("a", 5, T0), record(0, 2), 0);
    assertThat(buffer.rows())
        .singleElement()
        .extracting(ResourceRow::lastUpdated)
        .isEqualTo(T0.plusSeconds(1));
  }

  @Test
  void keepsTheFirstOfTwoEqualVersionsAndItsSourceRecord() {
    SinkRecord first = record(0, 1);
    buffer.add(row("a", 5, T0), first, 0);
    buffer.add(row("a", 5, T0), record(0, 2), 0);
    assertOnlyPendingRecordIs(first);
  }

  @Test
  void commitsThePositionAfterTheLastRecordOfEachPartitionIncludingDeadLetteredOnes() {
    buffer.add(row("a", 1, T0), record(0, 7), 0);
    buffer.markTaken(record(0, 9), 0);
    buffer.add(row("b", 1, T0), record(1, 3), 0);
    assertThat(buffer.offsets())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                new TopicPartition(PipelineTopic.Names.OBSERVATION, 0), new OffsetAndMetadata(10),
                new TopicPartition(PipelineTopic.Names.OBSERVATION, 1), new OffsetAndMetadata(4)));
  }

  @Test
  void remembersWhenItsOldestRecordArrived() {
    assertThat(buffer.oldestTakenAtMs()).isEqualTo(-1);
    buffer.add(row("a", 1, T0), record(0, 1), 1000);
    buffer.add(row("b", 1, T0), record(0, 2), 5000);
    assertThat(buffer.oldestTakenAtMs()).isEqualTo(1000);
    buffer.clear();
    assertThat(buffer.isEmpty()).isTrue();
    assertThat(buffer.oldestTakenAtMs()).isEqualTo(-1);
  }

  @Test
  void rewindsStillOwnedPartitionsWhenARevocationDropsTheBatch() {
    buffer.add(row("a", 1, T0), record(0, 7), 0);
    buffer.add(row("b", 1, T0), record(0, 8), 0);
    buffer.add(row("c", 1, T0), record(1, 3), 0);

    Map<TopicPartition, Long> rewind =
        buffer.discardFor(List.of(new TopicPartition(PipelineTopic.Names.OBSERVATION, 1)));

    assertThat(rewind)
        .containsExactlyEntriesOf(
            Map.of(new TopicPartition(PipelineTopic.Names.OBSERVATION, 0), 7L));
    assertThat(buffer.isEmpty()).isTrue();
  }

  @Test
  void keepsTheBatchWhenARevokedPartitionHasNothingBuffered() {
    buffer.add(row("a", 1, T0), record(0, 7), 0);
    assertThat(buffer.discardFor(List.of(new TopicPartition(PipelineTopic.Names.OBSERVATION, 2))))
        .isEmpty();
    assertThat(buffer.rows()).hasSize(1);
  }
}
