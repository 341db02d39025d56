package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.contracts.PipelineTopic;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * The task while the database is unavailable (issue 13 item 4): through its writer seam, a writer
 * that refuses a number of batches with a connection failure (SQLState 08006), as PostgreSQL's
 * driver does when the server is gone. Connect hands the same records to put() again after a
 * RetriableException; the task must neither take them in twice nor commit their offsets early.
 */
class FhirSinkTaskRetryTest {

  private static final Instant NOW = Instant.parse("2026-12-06T01:00:00Z");
  private static final TopicPartition PARTITION =
      new TopicPartition(PipelineTopic.Names.OBSERVATION, 0);

  private final RecordingTaskContext context = new RecordingTaskContext(PARTITION);

  @Test
  void aRedeliveredBatchIsTakenOnceAndWrittenOnceWhenTheDatabaseIsBack() {
    // Refused three times: the first put(), the offset commit's attempt, the redelivered put().
    ScriptedWriter writer = new ScriptedWriter(3);
    FhirSinkTask task = started(writer, Map.of());
    List<SinkRecord> poll = List.of(observation(0, "hr-0"), unparsable(1), observation(2, "hr-2"));

    assertThatThrownBy(() -> task.put(poll)).isInstanceOf(RetriableException.class);
    assertThat(task.preCommit(offsets(3))).isEmpty();
    assertThatThrownBy(() -> task.put(poll)).isInstanceOf(RetriableException.class);
    task.put(poll);

    assertThat(writer.batches).containsExactly(List.of("hr-0", "hr-2"));
    assertThat(context.deadLettered).extracting(SinkRecord::kafkaOffset).containsExactly(1L);
    assertThat(task.preCommit(offsets(3))).containsEntry(PARTITION, new OffsetAndMetadata(3));
  }

  @Test
  void backOffDoublesUpToItsCapAndTheTaskFailsAfterMaxRetries() {
    ScriptedWriter writer = new ScriptedWriter(Integer.MAX_VALUE);
    FhirSinkTask task =
        started(
            writer,
            Map.of("retry.backoff.ms", "100", "retry.backoff.max.ms", "500", "max.retries", "4"));
    List<SinkRecord> poll = List.of(observation(0, "hr-0"));

    for (int attempt = 1; attempt <= 4; attempt++) {
      assertThatThrownBy(() -> task.put(poll)).isInstanceOf(RetriableException.class);
    }
    assertThatThrownBy(() -> task.put(poll))
        .isInstanceOf(ConnectException.class)
        .isNotInstanceOf(RetriableException.class)
        .hasMessageContaining("after 4 retries");

    assertThat(context.timeouts).containsExactly(100L, 200L, 400L, 500L);
    assertThat(writer.batches).isEmpty();
  }

  @Test
  void aSuccessfulWriteResetsTheBackOff() {
    ScriptedWriter writer = new ScriptedWriter(2);
    FhirSinkTask task = started(writer, Map.of("retry.backoff.ms", "100"));
    List<SinkRecord> first = List.of(observation(0, "hr-0"));

    assertThatThrownBy(() -> task.put(first)).isInstanceOf(RetriableException.class);
    assertThatThrownBy(() -> task.put(first)).isInstanceOf(RetriableException.class);
    task.put(first);
    writer.failuresLeft = 1;
    assertThatThrownBy(() -> task.put(List.of(observation(1, "hr-1"))))
        .isInstanceOf(RetriableException.class);

    assertThat(context.timeouts).containsExactly(100L, 200L, 100L);
  }

  private FhirSinkTask started(ScriptedWriter writer, Map<String, String> overrides) {
    Map<String, String> props = new java.util.HashMap<>(overrides);
    // Never connected to: the scripted writer stands where the database session would be.
    props.put("connection.url", "jdbc:postgresql://127.0.0.1:1/unused");
    FhirSinkTask task = new FhirSinkTask(Clock.fixed(NOW, ZoneOffset.UTC), (config, d) -> writer);
    task.initialize(context);
    task.start(props);
    return task;
  }

  private static Map<TopicPartition, OffsetAndMetadata> offsets(long next) {
    return Map.of(PARTITION, new OffsetAndMetadata(next));
  }

  private static SinkRecord observation(long offset, String id) {
    return record(offset, FhirFixtures.heartRate(id, "p-1", 1, NOW, 61, NOW.minusSeconds(offset)));
  }

  private static SinkRecord unparsable(long offset) {
    return record(offset, "{\"resourceType\":");
  }

  private static SinkRecord record(long offset, String json) {
    return new SinkRecord(
        PARTITION.topic(),
        PARTITION.partition(),
        null,
        "p-1".getBytes(StandardCharsets.UTF_8),
        null,
        json.getBytes(StandardCharsets.UTF_8),
        offset,
        NOW.toEpochMilli(),
        TimestampType.CREATE_TIME);
  }

  /** Refuses the first {@code failuresLeft} batches as an unreachable server would. */
  private static final class ScriptedWriter implements BatchWriter {
    int failuresLeft;
    final List<List<String>> batches = new ArrayList<>();

    ScriptedWriter(int failures) {
      this.failuresLeft = failures;
    }

    @Override
    public RecordWriter.WriteResult write(List<Removal> removals, List<ResourceRow> rows)
        throws SQLException {
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new SQLTransientConnectionException("connection refused", "08006");
      }
      batches.add(rows.stream().map(ResourceRow::id).toList());
      return new RecordWriter.WriteResult(rows.size(), rows.size(), java.util.Set.of());
    }

    @Override
    public void close() {
      // Nothing held.
    }
  }
}
