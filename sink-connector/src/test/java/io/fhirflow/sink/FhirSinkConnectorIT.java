package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fhirflow.contracts.DeadLetterHeaders;
import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.contracts.PatientOwnership;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.FhirResource;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.sink.standalone.StandaloneSink;
import io.fhirflow.store.StoreTables;
import io.fhirflow.testkit.BrokerPerClass;
import io.fhirflow.testkit.ConnectWorkers;
import io.fhirflow.testkit.LocalServices;
import io.fhirflow.testkit.TopicOffsets;
import io.fhirflow.testkit.WearableSamples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.internals.Exit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The connector end to end: a real in-JVM KRaft broker, the local PostgreSQL (a fresh schema per
 * test) and Kafka Connect's standalone worker running {@link FhirSinkConnector}. One worker serves
 * all tests; each test adds its own connector, topics and schema.
 */
class FhirSinkConnectorIT {

  private static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");
  private static final Instant AT = Instant.parse("2026-11-26T07:00:00Z");

  @RegisterExtension static final BrokerPerClass kafka = new BrokerPerClass();
  private static StandaloneSink worker;
  private static Path offsetsFile;

  private String name;
  private String observations;
  private String patients;
  private String devices;
  private String dlq;
  private String url;
  private final List<String> connectors = new ArrayList<>();

  @BeforeAll
  static void startWorker() throws Exception {
    // Connect calls Exit.exit on start-up failures; fail the test instead of killing the JVM.
    Exit.setExitProcedure(
        (status, message) -> {
          throw new IllegalStateException("Connect wanted to exit " + status + ": " + message);
        });
    offsetsFile = Files.createTempFile("sink-it", ".offsets");
    worker =
        StandaloneSink.start(
            ConnectWorkers.standalone(kafka.broker().bootstrapServers(), offsetsFile));
  }

  @AfterAll
  static void stopWorker() throws Exception {
    if (worker != null) {
      worker.close();
    }
    Files.deleteIfExists(offsetsFile);
    Exit.resetExitProcedure();
  }

  @BeforeEach
  void freshTopicsAndSchema() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    name = "fhir-sink-it-" + suffix;
    observations = "fhir.r4.observation-" + suffix;
    patients = "fhir.r4.patient-" + suffix;
    devices = "fhir.r4.device-" + suffix;
    dlq = "fhir.r4.dlq-" + suffix;
    kafka.broker().createTopics(2, observations);
    kafka.broker().createTopics(1, patients, devices, dlq);
    url = LocalServices.freshPostgresSchema("sink_it") + "&ApplicationName=" + name;
  }

  @AfterEach
  void removeConnectors() {
    connectors.forEach(worker::deleteConnector);
  }

  private Map<String, String> connectorConfig(String connectorName) {
    Map<String, String> props =
        ConnectWorkers.sinkConnector(
            connectorName, observations + "," + patients + "," + devices, url, dlq);
    props.put("batch.size", "500");
    props.put("retry.backoff.ms", "100");
    props.put("retry.backoff.max.ms", "1000");
    props.put("errors.deadletterqueue.context.headers.enable", "true");
    return props;
  }

  private void startConnector(String connectorName) {
    worker.putConnector(connectorConfig(connectorName));
    connectors.add(connectorName);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> worker.taskStates(connectorName).equals(List.of("RUNNING")));
  }

  /**
   * The runner's /health/ready follows every connector's and task's state (Connect's own GET
   * /health stays 200 whatever they are), and /health/live turns 503 once one stayed FAILED past
   * the grace (0 here), so that Kubernetes restarts a worker whose tasks Connect will not restart.
   */
  @Test
  void healthIsReadyOnlyWhileEveryConnectorAndTaskRunsAndNotLiveWhileOneStaysFailed()
      throws Exception {
    int port = worker.serveHealth(0, Duration.ZERO);
    worker.ready();
    startConnector(name);
    await().atMost(Duration.ofSeconds(30)).until(() -> status(port, "/health/ready") == 200);
    assertThat(status(port, "/health/live")).isEqualTo(200);

    // A connector that refuses to start (tolerating errors without a dead-letter topic) stays,
    // FAILED.
    String failing = name + "-failing";
    Map<String, String> props = connectorConfig(failing);
    props.remove("errors.deadletterqueue.topic.name");
    connectors.add(failing);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> worker.putConnector(props))
        .hasStackTraceContaining("STARTED");
    await().atMost(Duration.ofSeconds(30)).until(() -> status(port, "/health/ready") == 503);
    await().atMost(Duration.ofSeconds(30)).until(() -> status(port, "/health/live") == 503);

    worker.deleteConnector(failing);
    connectors.remove(failing);
    await().atMost(Duration.ofSeconds(30)).until(() -> status(port, "/health/ready") == 200);
    assertThat(status(port, "/health/live")).isEqualTo(200);
  }

  private static int status(int port, String path) throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + path))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void upsertsObservationsAndPatientsAndSkipsAbortedTransactions() throws Exception {
    startConnector(name);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (int i = 0; i < 300; i++) {
        send(
            producer,
            observations,
            "pat-" + i % 3,
            FhirFixtures.heartRate(
                "obs-" + i, "pat-" + i % 3, 1, T0, 60 + i % 50, AT.plusSeconds(i)));
      }
      send(
          producer,
          observations,
          "pat-0",
          FhirFixtures.steps("steps-1", "pat-0", 1, T0, 812, AT, AT.plusSeconds(900)));
      send(producer, patients, "pat-0", FhirFixtures.patient("pat-0", "user-0", 1, T0));
    }
    try (KafkaProducer<String, byte[]> tx = transactionalProducer()) {
      tx.initTransactions();
      tx.beginTransaction();
      send(
          tx, observations, "pat-9", FhirFixtures.heartRate("obs-aborted", "pat-9", 1, T0, 99, AT));
      tx.abortTransaction();
      tx.beginTransaction();
      send(
          tx,
          observations,
          "pat-9",
          FhirFixtures.heartRate("obs-committed", "pat-9", 1, T0, 61, AT));
      tx.commitTransaction();
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> count(StoreTables.OBSERVATION) == 302 && count(StoreTables.PATIENT) == 1);
    assertThat(
            query(
                "SELECT patient_id, code, effective_start = timestamptz '2026-11-26T07:00:00Z',"
                    + " effective_end = timestamptz '2026-11-26T07:15:00Z' FROM "
                    + StoreTables.OBSERVATION
                    + " WHERE id = 'steps-1'"))
        .containsExactly("pat-0", "http://loinc.org|55423-8", "t", "t");
    assertThat(
            query("SELECT count(*) FROM " + StoreTables.OBSERVATION + " WHERE id = 'obs-aborted'"))
        .containsExactly("0");
    assertThat(query("SELECT identifiers[1] FROM " + StoreTables.PATIENT))
        .containsExactly(FhirSystems.SID_USER + "|user-0");
    // (no committed-to-end check here: transaction markers sit after the last record's offset)
  }

  @Test
  void writesEveryResourceTheRealMapperPublishes() throws Exception {
    startConnector(name);
    FhirMapper mapper = new FhirMapper(MappingCatalogue.builtIn());
    List<Mapped> mapped =
        WearableSamples.oneOfEachKind().stream()
            .map(sample -> mapper.map(sample, false))
            .filter(Mapped.class::isInstance)
            .map(Mapped.class::cast)
            .toList();
    assertThat(mapped).isNotEmpty();
    Map<String, String> patientOfObservation = new HashMap<>();
    Set<String> patientIds = new HashSet<>();
    Set<String> deviceIds = new HashSet<>();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (Mapped m : mapped) {
        for (FhirResource observation : m.observations()) {
          send(producer, observations, m.patient().id(), observation.json());
          patientOfObservation.put(observation.id(), m.patient().id());
        }
        send(producer, patients, m.patient().id(), m.patient().json());
        patientIds.add(m.patient().id());
        m.device()
            .ifPresent(
                d -> {
                  send(producer, devices, d.id(), d.json());
                  deviceIds.add(d.id());
                });
      }
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                count(StoreTables.OBSERVATION) == patientOfObservation.size()
                    && count(StoreTables.PATIENT) == patientIds.size()
                    && count(StoreTables.DEVICE) == deviceIds.size());
    Map<String, String> stored = new HashMap<>();
    List<String> rows = query("SELECT id, patient_id FROM " + StoreTables.OBSERVATION);
    for (int i = 0; i < rows.size(); i += 2) {
      stored.put(rows.get(i), rows.get(i + 1));
    }
    assertThat(stored).isEqualTo(patientOfObservation);
    assertThat(readAll(dlq, 0)).isEmpty();
  }

  @Test
  void keepsTheNewestVersionWhateverTheOrderRecordsArriveIn() throws Exception {
    startConnector(name);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      // within one batch: v1, v3, v2
      sendHeartRate(producer, "obs-1", "pat-1", 1, T0, 61);
      sendHeartRate(producer, "obs-1", "pat-1", 3, T0, 63);
      sendHeartRate(producer, "obs-1", "pat-1", 2, T0, 62);
      sendHeartRate(producer, "marker-1", "pat-1", 1, T0, 1);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> count(StoreTables.OBSERVATION) == 2);
    assertThat(bpm("obs-1")).isEqualTo("63");

    try (KafkaProducer<String, byte[]> producer = producer()) {
      // in a later batch: an older version, then the same version with an older lastUpdated
      sendHeartRate(producer, "obs-1", "pat-1", 2, T0.plusSeconds(99), 50);
      sendHeartRate(producer, "obs-1", "pat-1", 3, T0.minusSeconds(1), 51);
      sendHeartRate(producer, "marker-2", "pat-1", 1, T0, 1);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> count(StoreTables.OBSERVATION) == 3);
    assertThat(bpm("obs-1")).isEqualTo("63");

    try (KafkaProducer<String, byte[]> producer = producer()) {
      sendHeartRate(producer, "obs-1", "pat-1", 3, T0.plusSeconds(1), 64);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> "64".equals(bpm("obs-1")));
  }

  @Test
  void replayingTheTopicsFromOffsetZeroRewritesNoRow() throws Exception {
    startConnector(name);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (int i = 0; i < 1000; i++) {
        send(
            producer,
            observations,
            "pat-" + i % 7,
            FhirFixtures.heartRate(
                "obs-" + i % 800, "pat-" + i % 7, i / 800 + 1, T0, 60 + i % 40, AT));
      }
      send(producer, patients, "pat-1", FhirFixtures.patient("pat-1", "user-1", 1, T0));
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> count(StoreTables.OBSERVATION) == 800 && count(StoreTables.PATIENT) == 1);
    awaitCommittedToEnd("connect-" + name);
    String fingerprint =
        "SELECT md5(string_agg(id || ':' || xmin || ':' || written_at, ',' ORDER BY id)) FROM ";
    List<String> before =
        List.of(
            query(fingerprint + StoreTables.OBSERVATION).get(0),
            query(fingerprint + StoreTables.PATIENT).get(0));

    // A second connector has a new consumer group, so it reads both topics from offset 0.
    String replay = name + "-replay";
    startConnector(replay);
    awaitCommittedToEnd("connect-" + replay);

    assertThat(
            List.of(
                query(fingerprint + StoreTables.OBSERVATION).get(0),
                query(fingerprint + StoreTables.PATIENT).get(0)))
        .isEqualTo(before);
  }

  @Test
  void deadLettersUnwritableRecordsWithTheirReasonWhileTheRestOfTheBatchIsWritten()
      throws Exception {
    startConnector(name);
    String good = FhirFixtures.heartRate("obs-good-1", "pat-1", 1, T0, 70, AT);
    Map<String, RejectReason> bad = new HashMap<>();
    bad.put("this is not json", RejectReason.NOT_JSON);
    bad.put("{\"hello\":\"world\"}", RejectReason.NOT_FHIR);
    bad.put(
        good.replace("\"Observation\"", "\"Encounter\"").replace("obs-good-1", "enc-1"),
        RejectReason.UNKNOWN_RESOURCE_TYPE);
    bad.put(good.replace("obs-good-1", "x".repeat(65)), RejectReason.ID_TOO_LONG);
    bad.put(
        good.replace("obs-good-1", "obs-nosubject")
            .replace("\"subject\":{\"reference\":\"Patient/pat-1\"},", ""),
        RejectReason.MISSING_SUBJECT);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      send(producer, observations, "pat-1", good);
      for (String value : bad.keySet()) {
        send(producer, observations, "pat-1", value);
      }
      send(producer, observations, "pat-1", good.replace("obs-good-1", "obs-good-2"));
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> count(StoreTables.OBSERVATION) == 2);
    List<ConsumerRecord<byte[], byte[]>> letters = readAll(dlq, bad.size());
    Map<String, String> reasonByValue = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> letter : letters) {
      reasonByValue.put(
          new String(letter.value(), StandardCharsets.UTF_8),
          header(letter, DeadLetterHeaders.REASON));
      assertThat(header(letter, DeadLetterHeaders.STAGE)).isEqualTo("sink");
      assertThat(header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(observations);
      assertThat(header(letter, DeadLetterHeaders.ERROR_CLASS))
          .isEqualTo(UnwritableRecordException.class.getName());
      assertThat(header(letter, "__connect.errors.exception.class.name"))
          .isEqualTo(UnwritableRecordException.class.getName());
      assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("pat-1");
    }
    Map<String, String> expected = new HashMap<>();
    bad.forEach((value, reason) -> expected.put(value, reason.code()));
    assertThat(reasonByValue).isEqualTo(expected);
    awaitCommittedToEnd("connect-" + name);
  }

  @Test
  void deadLettersARecordThatWouldMoveAStoredObservationToAnotherPatient() throws Exception {
    startConnector(name);
    String mine = FhirFixtures.heartRate("obs-owned", "pat-1", 1, T0, 70, AT);
    String takeover = FhirFixtures.heartRate("obs-owned", "pat-2", 7, T0.plusSeconds(60), 150, AT);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      send(producer, observations, "pat-1", mine);
      producer.flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> count(StoreTables.OBSERVATION) == 1);
      send(producer, observations, "pat-2", takeover);
      sendHeartRate(producer, "obs-after", "pat-1", 1, T0, 71);
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> count(StoreTables.OBSERVATION) == 2);
    ConsumerRecord<byte[], byte[]> letter = readAll(dlq, 1).get(0);
    assertThat(header(letter, DeadLetterHeaders.REASON))
        .isEqualTo(PatientOwnership.MISMATCH_REASON);
    assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo(takeover);
    assertThat(
            query(
                "SELECT patient_id, version_id FROM "
                    + StoreTables.OBSERVATION
                    + " WHERE id = 'obs-owned'"))
        .containsExactly("pat-1", "1");
    awaitCommittedToEnd("connect-" + name);
  }

  @Test
  void aDeletionMarkerRemovesTheRowAndNoLaterCopyBringsItBack() throws Exception {
    startConnector(name);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      sendHeartRate(producer, "obs-del", "pat-1", 1, T0, 70);
      sendHeartRate(producer, "obs-kept", "pat-1", 1, T0, 71);
      producer.flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> count(StoreTables.OBSERVATION) == 2);
      sendDeletion(producer, "pat-1", "obs-del");
      sendDeletion(producer, "pat-1", "obs-del");
      // A replayed or late copy of the deleted Observation, and one deleted before it ever arrived.
      sendDeletion(producer, "pat-1", "obs-early");
      sendHeartRate(producer, "obs-del", "pat-1", 2, T0.plusSeconds(60), 90);
      sendHeartRate(producer, "obs-early", "pat-1", 1, T0, 50);
      sendHeartRate(producer, "obs-after", "pat-1", 1, T0, 72);
    }

    awaitCommittedToEnd("connect-" + name);
    assertThat(query("SELECT string_agg(id, ',' ORDER BY id) FROM " + StoreTables.OBSERVATION))
        .containsExactly("obs-after,obs-kept");
    assertThat(
            query(
                "SELECT string_agg(id || ':' || patient_id, ',' ORDER BY id) FROM "
                    + StoreTables.OBSERVATION_DELETED))
        .containsExactly("obs-del:pat-1,obs-early:pat-1");
    assertThat(readAll(dlq, 0)).isEmpty();
  }

  @Test
  void anErasureRemovesEveryRowOfThePersonFromEveryTableAndTheirNextRecordsAreWrittenAfresh()
      throws Exception {
    startConnector(name);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (String pat : List.of("pat-1", "pat-2")) {
        send(
            producer,
            observations,
            pat,
            FhirFixtures.heartRate("obs-a-" + pat, pat, 1, T0, 70, AT));
        send(
            producer,
            observations,
            pat,
            FhirFixtures.steps("obs-b-" + pat, pat, 1, T0, 812, AT, AT.plusSeconds(900)));
        send(
            producer,
            observations,
            pat,
            FhirFixtures.heartRate("obs-c-" + pat, pat, 1, T0, 71, AT));
        send(producer, patients, pat, FhirFixtures.patient(pat, "user-" + pat, 1, T0));
        send(producer, devices, "dev-" + pat, FhirFixtures.device("dev-" + pat, 1, T0));
      }
      producer.flush();
      sendDeletion(producer, "pat-1", "obs-c-pat-1");
      sendDeletion(producer, "pat-2", "obs-c-pat-2");
      producer.flush();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  count(StoreTables.OBSERVATION) == 4
                      && count(StoreTables.OBSERVATION_DELETED) == 2
                      && count(StoreTables.PATIENT) == 2
                      && count(StoreTables.DEVICE) == 2);

      // What the topology writes for an erasure of pat-1, then a record of pat-1 after it (new
      // data).
      sendErasure(producer, observations, "pat-1", "Observation", null);
      sendErasure(producer, patients, "pat-1", "Patient", "pat-1");
      sendErasure(producer, devices, "dev-pat-1", "Device", "dev-pat-1");
      sendHeartRate(producer, "obs-c-pat-1", "pat-1", 1, T0, 66);
    }

    awaitCommittedToEnd("connect-" + name);
    for (String table :
        List.of(
            StoreTables.OBSERVATION,
            StoreTables.OBSERVATION_DELETED,
            StoreTables.PATIENT,
            StoreTables.DEVICE)) {
      String column = table.startsWith(StoreTables.OBSERVATION) ? "patient_id" : "id";
      assertThat(query("SELECT count(*) FROM " + table + " WHERE " + column + " LIKE '%pat-2'"))
          .as(table)
          .containsExactly(table.equals(StoreTables.OBSERVATION) ? "2" : "1");
    }
    assertThat(
            query(
                "SELECT string_agg(id, ',' ORDER BY id) FROM "
                    + StoreTables.OBSERVATION
                    + " WHERE patient_id = 'pat-1'"))
        .as("only what came after the erasure, though its id was once deleted")
        .containsExactly("obs-c-pat-1");
    assertThat(
            query(
                "SELECT count(*) FROM "
                    + StoreTables.OBSERVATION_DELETED
                    + " WHERE patient_id = 'pat-1'"))
        .containsExactly("0");
    assertThat(
            query(
                "SELECT count(*) FROM "
                    + StoreTables.PATIENT
                    + " WHERE id = 'pat-1' OR resource::text LIKE '%user-pat-1%'"))
        .containsExactly("0");
    assertThat(query("SELECT count(*) FROM " + StoreTables.DEVICE + " WHERE id = 'dev-pat-1'"))
        .containsExactly("0");
    assertThat(readAll(dlq, 0)).isEmpty();
  }

  /**
   * The database drops the task's connections again and again for ~3 s while records stream in;
   * every record still lands. This kills only this test's backends (pg_terminate_backend by
   * application_name), because other engineers' tests share the server; the full server restart is
   * exercised in the benchmark's manual check (docs/sink-connector.md).
   */
  @Test
  void losesNoRecordWhenTheDatabaseDropsItsConnectionsMidStream() throws Exception {
    startConnector(name);
    int total = 20_000;
    AtomicBoolean producing = new AtomicBoolean(true);
    Thread producerThread =
        new Thread(
            () -> {
              try (KafkaProducer<String, byte[]> producer = producer()) {
                for (int i = 0; i < total; i++) {
                  send(
                      producer,
                      observations,
                      "pat-" + i % 50,
                      FhirFixtures.heartRate(
                          "obs-" + i, "pat-" + i % 50, 1, T0, 60 + i % 40, AT.plusSeconds(i)));
                  if (i % 2000 == 0) {
                    producer.flush();
                  }
                }
              } finally {
                producing.set(false);
              }
            },
            "it-producer");
    producerThread.start();

    await().atMost(Duration.ofSeconds(60)).until(() -> count(StoreTables.OBSERVATION) > 0);
    long outageEnd = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    int killed = 0;
    while (System.nanoTime() < outageEnd) {
      killed += terminateOurBackends();
    }
    producerThread.join();

    assertThat(killed).isPositive();
    await().atMost(Duration.ofSeconds(120)).until(() -> count(StoreTables.OBSERVATION) == total);
    assertThat(worker.taskStates(name)).containsExactly("RUNNING");
    assertThat(readAll(dlq, 0)).isEmpty();
    awaitCommittedToEnd("connect-" + name);
  }

  // ---- helpers ----

  private KafkaProducer<String, byte[]> producer() {
    Properties p = kafka.broker().producerProps();
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private KafkaProducer<String, byte[]> transactionalProducer() {
    Properties p = kafka.broker().producerProps();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-" + name);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** A heart-rate Observation (measured at AT) to the observation topic, keyed by its patient. */
  private void sendHeartRate(
      KafkaProducer<String, byte[]> producer,
      String id,
      String patientId,
      long version,
      Instant lastUpdated,
      double bpm) {
    send(
        producer,
        observations,
        patientId,
        FhirFixtures.heartRate(id, patientId, version, lastUpdated, bpm, AT));
  }

  private static void send(
      KafkaProducer<String, byte[]> producer, String topic, String key, String json) {
    producer.send(new ProducerRecord<>(topic, key, json.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The topology's deletion marker: a null value, the resource's type and id in headers, the
   * patient as key.
   */
  private void sendDeletion(
      KafkaProducer<String, byte[]> producer, String patientId, String observationId) {
    ProducerRecord<String, byte[]> marker = new ProducerRecord<>(observations, patientId, null);
    marker
        .headers()
        .add(FhirRecordHeaders.RESOURCE_TYPE, "Observation".getBytes(StandardCharsets.UTF_8));
    marker
        .headers()
        .add(FhirRecordHeaders.RESOURCE_ID, observationId.getBytes(StandardCharsets.UTF_8));
    producer.send(marker);
  }

  /**
   * What an erasure writes: a null value with the erasure request id; a resource id on the Patient
   * and Device tombstones.
   */
  private static void sendErasure(
      KafkaProducer<String, byte[]> producer,
      String topic,
      String key,
      String type,
      String resourceId) {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, null);
    r.headers().add(FhirRecordHeaders.RESOURCE_TYPE, type.getBytes(StandardCharsets.UTF_8));
    if (resourceId != null) {
      r.headers().add(FhirRecordHeaders.RESOURCE_ID, resourceId.getBytes(StandardCharsets.UTF_8));
    }
    r.headers().add(FhirRecordHeaders.ERASURE_REQUEST_ID, "req-1".getBytes(StandardCharsets.UTF_8));
    producer.send(r);
  }

  private static String header(ConsumerRecord<?, ?> record, String key) {
    var h = record.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Reads a topic from the start until {@code expected} records arrived (or 3 s pass for 0). */
  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    Properties p = kafka.broker().consumerProps("it-reader-" + UUID.randomUUID());
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      Duration wait = expected == 0 ? Duration.ofSeconds(3) : Duration.ofSeconds(60);
      long deadline = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < deadline && (expected == 0 || out.size() < expected)) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** Waits until the sink's consumer group has committed every partition up to its end offset. */
  private void awaitCommittedToEnd(String group) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              try (Admin admin = kafka.broker().admin()) {
                return TopicOffsets.committedToEnd(
                    admin, group, List.of(observations, patients, devices));
              }
            });
  }

  private int terminateOurBackends() throws SQLException {
    try (Connection c = DriverManager.getConnection(LocalServices.postgresUrl());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
                    + " FROM pg_stat_activity WHERE application_name = '"
                    + name
                    + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private long count(String table) throws SQLException {
    return Long.parseLong(query("SELECT count(*) FROM " + table).get(0));
  }

  private String bpm(String id) throws SQLException {
    List<String> v =
        query(
            "SELECT resource->'valueQuantity'->>'value' FROM "
                + StoreTables.OBSERVATION
                + " WHERE id = '"
                + id
                + "'");
    return v.isEmpty() ? null : v.get(0);
  }

  private List<String> query(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return ResultText.of(rs);
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return List.of("0"); // tables not migrated yet: the task has not connected
      }
      throw e;
    }
  }
}
