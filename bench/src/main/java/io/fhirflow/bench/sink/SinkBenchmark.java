package io.fhirflow.bench.sink;

import io.fhirflow.bench.BenchChart;
import io.fhirflow.bench.BenchOptions;
import io.fhirflow.bench.SqlValue;
import io.fhirflow.bench.ThreadCpu;
import io.fhirflow.contracts.FhirRecordHeaders;
import io.fhirflow.store.StoreMigrations;
import io.fhirflow.store.StoreTables;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.testkit.LocalServices;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * End-to-end sink throughput: the same realistic Observations, already in a topic of a real KRaft
 * broker, into PostgreSQL tables of the contract's shape (every Flyway migration of the sink),
 * through one Connect standalone worker that loads both sinks from plugin.path:
 *
 * <ol>
 *   <li>fhirflow's {@code FhirSinkConnector} (newer-wins upsert, COPY staging, extraction in the
 *       task),
 *   <li>Debezium's {@code JdbcSinkConnector} 3.2.0.Final (insert.mode=upsert, columns pre-extracted
 *       into schema'd JSON records, same batch size and tasks),
 *   <li>a raw COPY ceiling: pre-extracted rows COPYed straight into the table, no Kafka, no upsert.
 * </ol>
 *
 * A run is timed from connector creation until its consumer group has committed every partition to
 * the end (both sinks commit only after their database writes), then the row count is checked.
 *
 * <p>Usage (from the repository root, see BENCHMARKS.md): {@code SinkBenchmark [--records N]
 * [--tasks T] [--partitions P] [--batch B] [--only ours,null,debezium,copy] [--restart-postgres
 * true] [--replay true] [--deletions 0.01]}; {@code null} is {@link NullSinkConnector} on the same
 * topic.
 */
public final class SinkBenchmark {

  private static final Path WORK = Path.of(".work", "bench-sink");
  private static final String DEBEZIUM_TARBALL =
      System.getProperty("user.home")
          + "/.m2/repository/io/debezium/debezium-connector-jdbc/3.2.0.Final/"
          + "debezium-connector-jdbc-3.2.0.Final-plugin.tar.gz";

  /**
   * Restart the local PostgreSQL once, a third into each connector run (a manual zero-loss check).
   */
  private static boolean restartPostgres;

  /** After each load, read the whole topic again into the same table (a replay from offset 0). */
  private static boolean replay;

  /**
   * Share of deletion markers among fhirflow-sink's records (--deletions), and how many were
   * produced.
   */
  private static double deletionShare;

  private static int deletions;

  private SinkBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchOptions opts = BenchOptions.parse(args);
    int records = opts.integer("records", 1_000_000);
    int tasks = opts.integer("tasks", 2);
    int partitions = opts.integer("partitions", 4);
    int batch = opts.integer("batch", 5000);
    Set<String> only = Set.of(opts.text("only", "ours,debezium,copy").split(","));
    restartPostgres = opts.bool("restart-postgres", false);
    replay = opts.bool("replay", false);
    deletionShare = opts.decimal("deletions", 0);

    long t = System.nanoTime();
    Path corpus = WORK.resolve("observations.jsonl"); // regenerated only if shorter than needed
    ObservationCorpus.ensure(corpus, records);
    System.out.printf(
        Locale.ROOT,
        "corpus: %,d mapper-made Observations in %s (%.1f s)%n",
        records,
        corpus,
        seconds(t));

    Path plugins = preparePlugins(only);
    List<String> results = new ArrayList<>();
    try (KafkaBroker broker = KafkaBroker.start()) {
      String ours = "bench.fhir.observation";
      String debezium = "bench.debezium.observation";
      broker.createTopics(partitions, ours, debezium, "bench.fhir.dlq");
      int oursRecords = records;
      if (only.contains("ours") || only.contains("null")) {
        oursRecords =
            produce(broker, ours, corpus, records, ObservationCorpus.Entry::json, deletionShare);
      }
      if (only.contains("debezium")) {
        produce(
            broker,
            debezium,
            corpus,
            records,
            e -> DebeziumEnvelope.of(ObservationColumns.of(e.json())),
            0);
      }
      try (ConnectWorker worker = new ConnectWorker(workerProps(broker, plugins, batch))) {
        if (only.contains("ours")) {
          String schema = freshSchema("bench_ours");
          Map<String, String> c =
              connectorConfig("io.fhirflow.sink.FhirSinkConnector", ours, schema, batch);
          c.put("errors.tolerance", "all");
          c.put("errors.deadletterqueue.topic.name", "bench.fhir.dlq");
          c.put("errors.deadletterqueue.topic.replication.factor", "1");
          c.put("consumer.override.isolation.level", "read_committed");
          results.add(
              runConnector(
                  broker,
                  worker,
                  deletions > 0 ? "fhirflow-sink (" + deletions + " deletions)" : "fhirflow-sink",
                  c,
                  tasks,
                  ours,
                  schema,
                  oursRecords));
          deletions = 0;
        }
        if (only.contains("null")) {
          // Connect's own floor: the same topic and worker, a task that writes nothing.
          Map<String, String> c =
              connectorConfig(NullSinkConnector.class.getName(), ours, "bench_null", batch);
          c.put("consumer.override.isolation.level", "read_committed");
          results.add(runConnector(broker, worker, "null-sink", c, tasks, ours, null, oursRecords));
        }
        if (only.contains("debezium")) {
          String schema = freshSchema("bench_debezium");
          createTables(schema);
          Map<String, String> c =
              connectorConfig(
                  "io.debezium.connector.jdbc.JdbcSinkConnector", debezium, schema, batch);
          c.put("connection.username", "postgres");
          c.put("connection.password", "postgres");
          c.put("insert.mode", "upsert");
          c.put("primary.key.mode", "record_value");
          c.put("primary.key.fields", "id");
          c.put("schema.evolution", "none");
          c.put("collection.name.format", schema + "." + StoreTables.OBSERVATION);
          c.put("table.name.format", schema + "." + StoreTables.OBSERVATION);
          c.put("use.reduction.buffer", "true");
          c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
          c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
          c.put("value.converter.schemas.enable", "true");
          results.add(
              runConnector(broker, worker, "debezium-jdbc", c, tasks, debezium, schema, records));
        }
      }
    }
    if (only.contains("copy")) {
      results.add(copyCeiling(corpus, records, batch));
    }
    System.out.println();
    System.out.println(
        "| sink | rows | seconds | rows/s end to end | rows/s after first commit"
            + " | CPU µs/row: JVM (broker, Connect; not the benchmark's own sampler) / PostgreSQL (this run's backends + WAL writer, checkpointer,"
            + " bgwriter) [its backends alone; every postgres process on the machine] |");
    System.out.println("|---|---:|---:|---:|---:|---|");
    results.forEach(System.out::println);
    plot();
  }

  /** Per sink of this run: rows/s end to end, JVM and PostgreSQL CPU µs per row (for the plots). */
  private static final Map<String, double[]> FIGURES = new LinkedHashMap<>();

  private static void plot() throws IOException {
    Map<String, Double> rates = new LinkedHashMap<>();
    Map<String, Double> cpu = new LinkedHashMap<>();
    FIGURES.forEach(
        (name, f) -> {
          rates.put(name, f[0]);
          cpu.put(name + ": JVM", f[1]);
          cpu.put(name + ": PostgreSQL", f[2]);
        });
    BenchChart.bars(
        Path.of("target", "sink-throughput.png"),
        "Sinks and the raw COPY ceiling (same run)",
        "rows/s end to end",
        rates);
    BenchChart.bars(
        Path.of("target", "sink-cpu.png"),
        "CPU per row: the sink's JVM and PostgreSQL (same run)",
        "µs CPU per row",
        cpu);
  }

  /**
   * What both connectors are given alike, so that they differ only in what each one needs: the
   * class, the topic, a schema of its own and the batch size.
   */
  private static Map<String, String> connectorConfig(
      String connectorClass, String topic, String schema, int batch) {
    Map<String, String> c = new HashMap<>();
    c.put("connector.class", connectorClass);
    c.put("topics", topic);
    c.put("connection.url", url(schema));
    c.put("batch.size", String.valueOf(batch));
    return c;
  }

  /**
   * Runs one connector over {@code records} records until its group has committed them; {@code
   * schema} holds its table (counted, then dropped), or is null for a sink that writes none (its
   * rate is then records consumed and committed).
   */
  private static String runConnector(
      KafkaBroker broker,
      ConnectWorker worker,
      String name,
      Map<String, String> config,
      int tasks,
      String topic,
      String schema,
      int records)
      throws Exception {
    config.put("name", name);
    config.put("tasks.max", String.valueOf(tasks));
    config.put("consumer.override.max.poll.records", config.getOrDefault("batch.size", "5000"));
    long start = System.nanoTime();
    PostgresCpu postgres = PostgresCpu.start(postgresPort());
    ThreadCpu threads = ThreadCpu.start();
    worker.put(config);
    FirstCommit first = awaitCommitted(broker, worker, name, records, restartPostgres);
    double steady =
        first == null
            ? Double.NaN
            : (records - first.committed()) / ((System.nanoTime() - first.atNanos()) / 1e9);
    double seconds = seconds(start);
    Map<String, Double> jvm = threads.microsPerSample(records);
    String cpuPerRow = cpuPerRow(jvm, postgres, records);
    System.out.println(name + ": JVM CPU µs per row by thread group: " + ThreadCpu.format(jvm));
    long rows = schema == null ? records : count(schema);
    FIGURES.put(
        name,
        new double[] {rows / seconds, ThreadCpu.product(jvm), postgres.ownMicrosPerRow(records)});
    postgres.close();
    worker.delete(name);
    String replayed = "";
    if (replay && schema != null) {
      String fingerprint = fingerprint(schema);
      replayed = "\n" + runReplay(broker, worker, name + "-replay", config, records);
      System.out.println(
          name + " replay rewrote rows: " + !fingerprint.equals(fingerprint(schema)));
    }
    if (schema != null) {
      dropSchema(schema);
    }
    System.out.printf(
        Locale.ROOT,
        "%s: %,d rows in %.1f s = %,.0f rows/s (after first commit: %,.0f rows/s),"
            + " CPU us/row JVM / PostgreSQL %s%n",
        name,
        rows,
        seconds,
        rows / seconds,
        steady,
        cpuPerRow);
    if (schema != null && rows != records - 2L * deletions) {
      throw new IllegalStateException(
          name + " wrote " + rows + " rows, expected " + (records - 2L * deletions));
    }
    return String.format(
            Locale.ROOT,
            "| %s | %,d | %.1f | %,.0f | %,.0f | %s |",
            name,
            rows,
            seconds,
            rows / seconds,
            steady,
            cpuPerRow)
        + replayed;
  }

  /**
   * The same connector under another name (a new consumer group: offset 0), into the loaded table.
   */
  private static String runReplay(
      KafkaBroker broker,
      ConnectWorker worker,
      String name,
      Map<String, String> config,
      int records)
      throws Exception {
    Map<String, String> again = new HashMap<>(config);
    again.put("name", name);
    long start = System.nanoTime();
    worker.put(again);
    awaitCommitted(broker, worker, name, records, false);
    double seconds = seconds(start);
    worker.delete(name);
    System.out.printf(
        Locale.ROOT,
        "%s: %,d records in %.1f s = %,.0f records/s%n",
        name,
        records,
        seconds,
        records / seconds);
    return String.format(
        Locale.ROOT,
        "| %s (same records again, table full) | %,d | %.1f | %,.0f | | |",
        name,
        records,
        seconds,
        records / seconds);
  }

  /** When the connector's consumer group first committed, and how much. */
  private record FirstCommit(long atNanos, long committed) {}

  /**
   * Polls the connector's consumer group until it has committed {@code records}; with {@code
   * restartPostgresMidway}, restarts PostgreSQL once a third of the way. Returns the first commit
   * (null if the first poll already saw everything).
   */
  private static FirstCommit awaitCommitted(
      KafkaBroker broker,
      ConnectWorker worker,
      String name,
      int records,
      boolean restartPostgresMidway)
      throws Exception {
    long deadline = System.nanoTime() + 1_800_000_000_000L;
    FirstCommit first = null;
    boolean restarted = !restartPostgresMidway;
    long committed;
    while ((committed = committed(broker, "connect-" + name)) < records) {
      if (System.nanoTime() > deadline || worker.status(name).contains("FAILED")) {
        throw new IllegalStateException(name + " did not finish: " + worker.status(name));
      }
      if (committed > 0 && first == null) {
        first = new FirstCommit(System.nanoTime(), committed);
      }
      if (!restarted && committed > records / 3) {
        System.out.println("restarting PostgreSQL mid-stream: pg_ctlcluster 15 main restart");
        exec("pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart");
        restarted = true;
      }
      Thread.sleep(200); // polling the consumer group; the benchmark is not a test
    }
    return first;
  }

  /**
   * Every row's id, xmin and written_at hashed: equal before and after means no row was rewritten.
   */
  private static String fingerprint(String schema) throws Exception {
    return SqlValue.asText(
        url(schema),
        "SELECT md5(string_agg(id || ':' || xmin || ':' || written_at, ','"
            + " ORDER BY id)) FROM "
            + StoreTables.OBSERVATION);
  }

  /**
   * Rows COPYed straight into the contract table in batch-size transactions (columns
   * pre-extracted).
   */
  private static String copyCeiling(Path corpus, int records, int batch) throws Exception {
    String schema = freshSchema("bench_copy");
    createTables(schema);
    long[] copyNanos = {0};
    PostgresCpu postgres = PostgresCpu.start(postgresPort());
    ThreadCpu threads = ThreadCpu.start();
    try (Connection c = DriverManager.getConnection(url(schema))) {
      c.setAutoCommit(false);
      var copy = c.unwrap(PGConnection.class).getCopyAPI();
      List<ObservationColumns> pending = new ArrayList<>(batch);
      ObservationCorpus.forEach(
          corpus,
          records,
          e -> {
            try {
              pending.add(ObservationColumns.of(e.json()));
              if (pending.size() == batch) {
                copyNanos[0] += copyBatch(c, copy, pending);
              }
            } catch (Exception ex) {
              throw new IllegalStateException(ex);
            }
          });
      copyNanos[0] += copyBatch(c, copy, pending);
    }
    double seconds = copyNanos[0] / 1e9;
    Map<String, Double> jvm = threads.microsPerSample(records);
    String cpuPerRow = cpuPerRow(jvm, postgres, records);
    long count = count(schema);
    FIGURES.put(
        "raw COPY ceiling",
        new double[] {count / seconds, ThreadCpu.product(jvm), postgres.ownMicrosPerRow(records)});
    postgres.close();
    dropSchema(schema);
    System.out.printf(
        Locale.ROOT,
        "raw COPY: %,d rows in %.1f s = %,.0f rows/s%n",
        count,
        seconds,
        count / seconds);
    return String.format(
        Locale.ROOT,
        "| raw COPY ceiling (no Kafka, no upsert) | %,d | %.1f | %,.0f | | %s |",
        count,
        seconds,
        count / seconds,
        cpuPerRow);
  }

  /** COPYs and commits one batch; returns the nanoseconds spent in the database. */
  private static long copyBatch(
      Connection c, org.postgresql.copy.CopyManager copy, List<ObservationColumns> rows)
      throws Exception {
    if (rows.isEmpty()) {
      return 0;
    }
    StringBuilder csv = new StringBuilder(rows.size() * 1400);
    for (ObservationColumns r : rows) {
      csv.append(csv(r.id()))
          .append(',')
          .append(csv(r.patientId()))
          .append(',')
          .append(csv(r.code()))
          .append(',')
          .append(csv(array(r.codes())))
          .append(',')
          .append(csv(array(r.category())))
          .append(',')
          .append(csv(r.effectiveStart()))
          .append(',')
          .append(csv(r.effectiveEnd()))
          .append(',')
          .append(csv(r.lastUpdated()))
          .append(',')
          .append(r.versionId())
          .append(',')
          .append(csv(r.resource()))
          .append('\n');
    }
    rows.clear();
    long start = System.nanoTime();
    copy.copyIn(
        "COPY "
            + StoreTables.OBSERVATION
            + " (id, patient_id, code, codes, category, effective_start,"
            + " effective_end, last_updated, version_id, resource) FROM STDIN (FORMAT csv)",
        new StringReader(csv.toString()));
    c.commit();
    return System.nanoTime() - start;
  }

  private static String csv(String value) {
    return value == null ? "" : "\"" + value.replace("\"", "\"\"") + "\"";
  }

  private static String array(List<String> values) {
    if (values == null) {
      return null;
    }
    return "{"
        + String.join(
            ",",
            values.stream()
                .map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .toList())
        + "}";
  }

  /** A record value made from a corpus entry. */
  private interface ValueOf {
    byte[] of(ObservationCorpus.Entry entry) throws Exception;
  }

  /**
   * Produces the corpus; with {@code deletionShare} > 0 also the topology's deletion marker (null
   * value, {@code fhir.resourceType}/{@code fhir.resourceId} headers, key = patient) of an
   * Observation sent {@link #DELETION_LAG} records earlier (already written: the marker deletes a
   * stored row), one per 1/share records. Returns the number of records produced.
   */
  private static int produce(
      KafkaBroker broker,
      String topic,
      Path corpus,
      int records,
      ValueOf value,
      double deletionShare)
      throws Exception {
    var props = broker.producerProps();
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    // A loaded machine stalls the in-JVM broker for seconds: wait instead of expiring batches.
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "900000");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    long start = System.nanoTime();
    java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
    int every = deletionShare > 0 ? (int) Math.round(1 / deletionShare) : 0;
    String[][] recent = new String[DELETION_LAG][];
    int[] sent = {0};
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      org.apache.kafka.clients.producer.Callback check =
          (meta, error) -> {
            if (error != null) {
              failed.incrementAndGet();
            }
          };
      ObservationCorpus.forEach(
          corpus,
          records,
          e -> {
            try {
              producer.send(new ProducerRecord<>(topic, e.patientId(), value.of(e)), check);
              int i = sent[0]++;
              if (every > 0) {
                String[] old = recent[i % DELETION_LAG];
                recent[i % DELETION_LAG] = new String[] {e.patientId(), observationId(e.json())};
                if (old != null && i % every == 0) {
                  ProducerRecord<String, byte[]> marker = new ProducerRecord<>(topic, old[0], null);
                  marker
                      .headers()
                      .add(
                          FhirRecordHeaders.RESOURCE_TYPE,
                          "Observation".getBytes(StandardCharsets.UTF_8));
                  marker
                      .headers()
                      .add(FhirRecordHeaders.RESOURCE_ID, old[1].getBytes(StandardCharsets.UTF_8));
                  producer.send(marker, check);
                  deletions++;
                }
              }
            } catch (Exception ex) {
              throw new IllegalStateException(ex);
            }
          });
      producer.flush();
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " records were not produced to " + topic);
    }
    System.out.printf(
        Locale.ROOT,
        "produced %,d records (%,d deletion markers) to %s in %.1f s%n",
        records + deletions,
        deletions,
        topic,
        seconds(start));
    return records + deletions;
  }

  /**
   * How many records back a deletion marker reaches: far enough for its Observation to be written.
   */
  private static final int DELETION_LAG = 20_000;

  private static String observationId(byte[] json) {
    String text = new String(json, 0, Math.min(json.length, 200), StandardCharsets.UTF_8);
    int at = text.indexOf("\"id\":\"") + 6;
    return text.substring(at, text.indexOf('"', at));
  }

  static Map<String, String> workerProps(KafkaBroker broker, Path plugins, int batch)
      throws IOException {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", broker.bootstrapServers());
    p.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    p.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    p.put(
        "offset.storage.file.filename", Files.createTempFile("bench-sink", ".offsets").toString());
    p.put("offset.flush.interval.ms", "1000");
    p.put("listeners", "http://127.0.0.1:0");
    p.put("plugin.path", plugins.toAbsolutePath().toString());
    p.put("plugin.discovery", "hybrid_warn");
    p.put("consumer.isolation.level", "read_committed");
    p.put("consumer.auto.offset.reset", "earliest");
    p.put("connector.client.config.override.policy", "All");
    return p;
  }

  /** Unpacks both plugin archives into .work/bench-sink/plugins (one folder each). */
  private static Path preparePlugins(Set<String> only) throws Exception {
    Path plugins = WORK.resolve("plugins");
    if (Files.exists(plugins)) {
      try (Stream<Path> walk = Files.walk(plugins)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(plugins);
    if (only.contains("ours")) {
      Path zip;
      try (Stream<Path> found = Files.list(Path.of("sink-connector/target"))) {
        zip =
            found
                .filter(p -> p.getFileName().toString().endsWith("-plugin.zip"))
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "build the plugin first: mvn -q -pl sink-connector -am package -DskipTests"));
      }
      exec("unzip", "-q", zip.toString(), "-d", plugins.toString());
    }
    if (only.contains("debezium")) {
      if (!Files.exists(Path.of(DEBEZIUM_TARBALL))) {
        throw new IllegalStateException(
            "fetch Debezium first: mvn -q dependency:get"
                + " -Dartifact=io.debezium:debezium-connector-jdbc:3.2.0.Final:tar.gz:plugin -Dtransitive=false");
      }
      exec("tar", "xzf", DEBEZIUM_TARBALL, "-C", plugins.toString());
      // Connect 4.4 brings its own Jackson; Debezium's 2.16.2 copies (if any) must not shadow it.
      try (Stream<Path> walk = Files.walk(plugins)) {
        walk.filter(p -> p.getFileName().toString().matches("jackson-.*-2\\.16\\.2\\.jar"))
            .forEach(p -> p.toFile().delete());
      }
    }
    return plugins;
  }

  private static void exec(String... command) throws Exception {
    int rc = new ProcessBuilder(command).inheritIO().start().waitFor();
    if (rc != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed with " + rc);
    }
  }

  /**
   * Records committed by the group (sum over partitions; the topics hold no transaction markers).
   */
  static long committed(KafkaBroker broker, String group) throws Exception {
    try (Admin admin = broker.admin()) {
      return admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get()
          .values()
          .stream()
          .mapToLong(o -> o == null ? 0 : o.offset())
          .sum();
    }
  }

  private static String freshSchema(String prefix) {
    String url = LocalServices.freshPostgresSchema(prefix);
    return url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
  }

  private static String url(String schema) {
    String base = LocalServices.postgresUrl();
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** "JVM / PostgreSQL (own) [backends; every postgres process]" CPU microseconds per row. */
  private static String cpuPerRow(
      Map<String, Double> jvmByThreads, PostgresCpu postgres, long rows) {
    return String.format(
        Locale.ROOT,
        "%.1f / %.1f [%.1f; %.1f]",
        ThreadCpu.product(jvmByThreads),
        postgres.ownMicrosPerRow(rows),
        postgres.backendMicrosPerRow(rows),
        postgres.microsPerRow(rows));
  }

  /** The port of the PostgreSQL server under test, from its JDBC URL (5432 when it names none). */
  private static int postgresPort() {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("//[^/:]+:(\\d+)/").matcher(LocalServices.postgresUrl());
    return m.find() ? Integer.parseInt(m.group(1)) : 5432;
  }

  /** The store's migrations, applied by Flyway as the sink applies them: the tables users get. */
  private static void createTables(String schema) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(url(schema));
    StoreMigrations.apply(dataSource, null);
  }

  private static long count(String schema) throws Exception {
    return SqlValue.asLong(url(schema), "SELECT count(*) FROM " + StoreTables.OBSERVATION);
  }

  private static void dropSchema(String schema) throws Exception {
    try (Connection c = DriverManager.getConnection(LocalServices.postgresUrl());
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
