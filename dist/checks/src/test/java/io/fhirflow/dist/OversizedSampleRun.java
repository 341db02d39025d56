package io.fhirflow.dist;

import io.fhirflow.contracts.DeadLetterHeaders;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.mapping.ResourceIds;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SerdeConfig;
import io.fhirflow.serde.SpecificAvroSerializer;
import io.fhirflow.store.StoreTables;
import io.fhirflow.testkit.LargeRecords;
import io.fhirflow.testkit.WearableSamples;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The gateway side and the checks of the oversized-sample scenario (issue 12): one user sends a 1.2
 * MB heart-rate sample, then ordinary ones on the same key, through the local stack's broker and
 * registry; the rows are read back from the sink's PostgreSQL schema and the dead letter from the
 * raw dead-letter topic.
 */
final class OversizedSampleRun {

  private static final String PG_URL =
      "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=fhirflow";

  private final String bootstrap;
  private final String registryUrl;

  /** A user of this run only: its rows are the only ones with its patient id. */
  private final String user = "oversized-" + UUID.randomUUID();

  private final String largeRecordId = "large-" + UUID.randomUUID();
  private final List<String> ordinaryIds = new ArrayList<>();

  OversizedSampleRun(String bootstrap, String registryUrl) {
    this.bootstrap = bootstrap;
    this.registryUrl = registryUrl;
  }

  /** A deployment that lets gateways send large samples raises the raw topic's limit like this. */
  void acceptLargeRecordsOnTheRawTopic() throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      LargeRecords.acceptOn(admin, PipelineTopic.RAW.defaultName());
    }
  }

  void sendOneLargeThenOrdinary(int ordinary) {
    Instant now = Instant.now();
    List<WearableSample> samples = new ArrayList<>();
    samples.add(
        LargeRecords.heartRate(now.minusSeconds(ordinary + 1))
            .setUserId(user)
            .setRecordId(largeRecordId)
            .build());
    for (int i = 0; i < ordinary; i++) {
      Instant t = now.minusSeconds(ordinary - i);
      String recordId = "ordinary-" + UUID.randomUUID();
      WearableSample s =
          WearableSamples.healthKitHeartRate()
              .setUserId(user)
              .setRecordId(recordId)
              .setStartTime(t)
              .setEndTime(t)
              .build();
      ordinaryIds.add(
          ResourceIds.observation(user, s.getPlatform().name(), recordId, /* part= */ null));
      samples.add(s);
    }
    Properties props = LargeRecords.producerAllowingThem(new Properties());
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    SpecificAvroSerializer<WearableSample> values = new SpecificAvroSerializer<>();
    values.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl), false);
    try (KafkaProducer<String, WearableSample> producer =
        new KafkaProducer<>(props, new StringSerializer(), values)) {
      for (WearableSample s : samples) {
        producer.send(new ProducerRecord<>(PipelineTopic.RAW.defaultName(), user, s));
      }
      producer.flush();
    }
  }

  /** How many of the ordinary samples' Observations are rows. */
  int ordinaryRowsInPostgres() throws Exception {
    try (Connection c = DriverManager.getConnection(PG_URL);
        PreparedStatement st =
            c.prepareStatement(
                "SELECT count(*) FROM " + StoreTables.OBSERVATION + " WHERE id = ANY (?)")) {
      st.setArray(1, c.createArrayOf("text", ordinaryIds.toArray()));
      return count(st);
    }
  }

  /** Rows of this run's patient that are not one of the ordinary samples' Observations. */
  int largeSampleRows() throws Exception {
    try (Connection c = DriverManager.getConnection(PG_URL);
        PreparedStatement st =
            c.prepareStatement(
                "SELECT count(*) FROM "
                    + StoreTables.OBSERVATION
                    + " WHERE patient_id = ? AND NOT id = ANY (?)")) {
      st.setString(1, ResourceIds.patient(user));
      st.setArray(2, c.createArrayOf("text", ordinaryIds.toArray()));
      return count(st);
    }
  }

  /** The dlq.* headers of the large sample's dead letter (keyed by this run's user), or empty. */
  Map<String, String> deadLetterOfTheLargeSample(Duration within) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "oversized-check-" + UUID.randomUUID());
    byte[] key = user.getBytes(StandardCharsets.UTF_8);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(PipelineTopic.RAW_DEAD_LETTER.defaultName()));
      long deadline = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (Arrays.equals(r.key(), key)) {
            Map<String, String> headers = new HashMap<>();
            for (Header h : r.headers()) {
              if (h.key().startsWith(DeadLetterHeaders.PREFIX) && h.value() != null) {
                headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
              }
            }
            return headers;
          }
        }
      }
    }
    return Map.of();
  }

  private static int count(PreparedStatement st) throws Exception {
    try (ResultSet rs = st.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return 0; // the sink's migration has not created the table yet: no rows so far
      }
      throw e;
    }
  }
}
