package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.store.StoreTables;
import io.fhirflow.testkit.LocalServices;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When the task writes its buffer (issue 20, freshness): the task against the local PostgreSQL,
 * records handed to put() as Connect hands them, time from a fixed clock.
 */
class FhirSinkTaskTest {

  private static final Instant NOW = Instant.parse("2026-12-05T17:00:00Z");
  private static final String TOPIC = PipelineTopic.Names.OBSERVATION;

  private final List<FhirSinkTask> tasks = new ArrayList<>();
  private String url;
  private long offset;

  @AfterEach
  void stopTasks() {
    tasks.forEach(FhirSinkTask::stop);
  }

  @Test
  void writesAPollThatCameLessThanFullAtOnceWithoutWaitingForTheBatch() throws Exception {
    FhirSinkTask task = started(batchesNeverDueByTime(5000, 5000));

    task.put(heartRates(3));

    assertThat(rows()).isEqualTo(3);
  }

  @Test
  void keepsFillingTheBatchWhileEveryPollComesFull() throws Exception {
    FhirSinkTask task = started(batchesNeverDueByTime(10, 4));

    task.put(heartRates(4));
    task.put(heartRates(4));
    assertThat(rows()).isZero();

    task.put(heartRates(4));
    assertThat(rows()).isEqualTo(12);
  }

  @Test
  void withoutTheRuleAPartialPollWaitsForTheBatchToBeDue() throws Exception {
    Map<String, String> settings = batchesNeverDueByTime(5000, 5000);
    settings.put("batch.write.when.caught.up", "false");
    FhirSinkTask task = started(settings);

    task.put(heartRates(3));

    assertThat(rows()).isZero();
  }

  @Test
  void assumesKafkasDefaultPollSizeWhenTheConnectorDoesNotOverrideIt() throws Exception {
    FhirSinkTask task = started(Map.of("batch.size", "5000", "batch.max.wait.ms", "600000"));

    task.put(heartRates(500));
    assertThat(rows()).isZero();

    task.put(heartRates(499));
    assertThat(rows()).isEqualTo(999);
  }

  /** Batches of {@code size} that never fall due by time; polls of at most {@code maxPoll}. */
  private static Map<String, String> batchesNeverDueByTime(int size, int maxPoll) {
    Map<String, String> settings = new HashMap<>();
    settings.put("batch.size", Integer.toString(size));
    settings.put("batch.max.wait.ms", "600000");
    settings.put("consumer.override.max.poll.records", Integer.toString(maxPoll));
    return settings;
  }

  private FhirSinkTask started(Map<String, String> overrides) {
    url = LocalServices.freshPostgresSchema("sink_task");
    Map<String, String> props = new HashMap<>(overrides);
    props.put("connection.url", url);
    FhirSinkTask task = new FhirSinkTask(Clock.fixed(NOW, ZoneOffset.UTC));
    task.initialize(new RecordingTaskContext(new TopicPartition(TOPIC, 0)));
    task.start(props);
    tasks.add(task);
    return task;
  }

  private List<SinkRecord> heartRates(int count) {
    List<SinkRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long o = offset++;
      String id = "hr-" + o;
      byte[] value =
          FhirFixtures.heartRate(id, "p-1", 1, NOW, 60 + o % 40, NOW.minusSeconds(o))
              .getBytes(StandardCharsets.UTF_8);
      records.add(
          new SinkRecord(
              TOPIC,
              0,
              null,
              "p-1".getBytes(StandardCharsets.UTF_8),
              null,
              value,
              o,
              NOW.toEpochMilli(),
              TimestampType.CREATE_TIME));
    }
    return records;
  }

  /** Rows stored; 0 before the first write, which creates the tables (schema.migrate). */
  private long rows() throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      try (ResultSet exists =
          s.executeQuery("SELECT to_regclass('" + StoreTables.OBSERVATION + "') IS NOT NULL")) {
        exists.next();
        if (!exists.getBoolean(1)) {
          return 0;
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + StoreTables.OBSERVATION)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
