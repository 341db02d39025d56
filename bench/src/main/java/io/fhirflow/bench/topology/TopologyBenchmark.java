package io.fhirflow.bench.topology;

import io.fhirflow.bench.BenchChart;
import io.fhirflow.bench.BenchOptions;
import io.fhirflow.bench.ThreadCpu;
import io.fhirflow.cli.broker.TopicTail;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SpecificAvroDeserializer;
import io.fhirflow.serde.SpecificAvroSerializer;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.testkit.LocalServices;
import io.fhirflow.topology.FhirFlowApplication;
import io.fhirflow.topology.TopologyConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End-to-end throughput and latency of the fhirflow topology against its ceiling, on the in-JVM
 * KRaft broker of fhirflow-testkit (same JVM as the applications; all share this machine's cores).
 *
 * <ol>
 *   <li>Loads {@code samples} realistic raw samples (~5 % exact duplicates) into the raw topic.
 *   <li>Ceiling: a pass-through Kafka Streams exactly_once_v2 app copies them; samples/s.
 *   <li>Topology: the real application (Redis metrics on) processes the same records; samples/s
 *       from its first to its last consumed record.
 *   <li>Latency: with the topology running, samples produced at a fixed rate; latency is the time
 *       from the send to the Observation being readable with read_committed (includes the commit
 *       interval, 100 ms); p50 and p99.
 * </ol>
 *
 * Run: see BENCHMARKS.md ("topology"). Options: {@code --samples=N --warmup=N --users=N --threads=N
 * --partitions=N --duplicates=0.05 --deletions=0.01 --input=backfill|dense --latency-rate=N|auto
 * --latency-seconds=N --commit-interval-ms=N --ceiling=true|streams-defaults|false
 * --set=key=value,... --tenants=N --floor=true|false} (the commit interval applies to every
 * application; {@code --set} to the topology only). {@code --floor=true} adds the Streams floor
 * ({@link StreamsFloorApp}) after the pass-through: the topology's store and output writes per
 * sample with none of its code, measured like the pass-through, printed after the topology's
 * writes. {@code --tenants=N} (default 1) spreads the same input over N tenants' raw topics (the
 * default tenant's and {@code <raw>.t2} ...), each user in one tenant, to measure what tenancy
 * costs per sample (issue 15: at most 5 %); the ceiling reads the default tenant's topic only, so
 * compare tenant counts with {@code --ceiling=false}.
 */
public final class TopologyBenchmark {

  private TopologyBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchOptions opt = BenchOptions.parse(args);
    int samples = opt.integer("samples", 1_000_000);
    TopologyWorkload work = TopologyWorkload.parse(opt);
    int users = work.users();
    // Measured after the first `warmup` records, like any steady-state benchmark: JIT-compiling the
    // broker, Streams, Avro, HAPI and Jackson costs a new JVM tens of CPU-seconds, once.
    int warmup = opt.integer("warmup", 200_000);
    int threads = work.threads();
    int partitions = work.partitions();
    double duplicates = work.duplicates();
    // --deletions=0.01: that share of the records are the phone's deletions of recent samples.
    double deletions = opt.decimal("deletions", 0);
    // --input=dense: each user's samples close together in time, as a watch records them; the
    // default (backfill) spreads them over 3 days (SampleGenerator.Shape).
    SampleGenerator.Shape shape = work.shape();
    String commitInterval = work.commitIntervalMs();
    String latencyRateOption = opt.text("latency-rate", "auto");
    int latencySeconds = opt.integer("latency-seconds", 20);
    // --ceiling=true (the topology's producer settings), streams-defaults (Kafka Streams' own) or
    // false
    String ceilingMode = opt.text("ceiling", "true");
    boolean runCeiling = !"false".equals(ceilingMode);
    boolean ceilingOnStreamsDefaults = "streams-defaults".equals(ceilingMode);
    // Extra topology settings for experiments, e.g.
    // --set=metrics.enabled=false,kafka.compression.type=none
    Map<String, String> extra = BenchOptions.pairs(opt.text("set", ""));
    // --floor=true: also the Streams floor (StreamsFloorApp), the topology's writes without its
    // code
    boolean runFloor = opt.bool("floor", false);
    int tenantCount = opt.integer("tenants", 1);
    String id = UUID.randomUUID().toString().substring(0, 8);
    String loadBefore = loadAverage();

    try (KafkaBroker broker = KafkaBroker.start()) {
      String raw = PipelineTopic.Names.RAW;
      broker.createTopics(
          partitions,
          raw,
          PipelineTopic.Names.OBSERVATION,
          PipelineTopic.Names.PATIENT,
          PipelineTopic.Names.DEVICE,
          PipelineTopic.Names.RAW_DEAD_LETTER,
          PipelineTopic.Names.ERASURE,
          PipelineTopic.Names.AUDIT_EVENT,
          "bench.pass-through");
      List<String> rawTopics = new ArrayList<>(List.of(raw));
      for (int t = 2; t <= tenantCount; t++) {
        rawTopics.add(Tenants.rawTopic(raw, "t" + t));
      }
      if (runFloor) {
        broker.createTopics(partitions, StreamsFloorApp.topics());
      }
      if (rawTopics.size() > 1) {
        broker.createTopics(
            partitions, rawTopics.subList(1, rawTopics.size()).toArray(String[]::new));
      }
      String registry = "mock://bench-" + id;
      SpecificAvroSerializer<WearableSample> serializer = new SpecificAvroSerializer<>();
      serializer.configure(Map.of("schema.registry.url", registry), false);
      Instant now = Instant.now();

      long t0 = System.nanoTime();
      produce(
          broker,
          rawTopics,
          serializer,
          new SampleGenerator(42, users, duplicates, deletions, now, shape),
          warmup + samples,
          0);
      double produceRate = (warmup + samples) / seconds(System.nanoTime() - t0);
      System.out.printf(
          "loaded %d warm-up + %d measured samples at %.0f/s%n", warmup, samples, produceRate);

      Phase ceiling = new Phase(Double.NaN, Map.of());
      if (runCeiling) {
        try (PassThroughApp pass =
            new PassThroughApp(
                broker.bootstrapServers(),
                raw,
                "bench.pass-through",
                threads,
                Integer.parseInt(commitInterval),
                tempDir("pass"),
                ceilingOnStreamsDefaults)) {
          ceiling = measure("pass-through", pass::processed, warmup, samples, () -> {}, () -> {});
        }
      }

      FloorRun floor =
          runFloor
              ? streamsFloor(
                  broker, raw, threads, Integer.parseInt(commitInterval), warmup, samples)
              : null;

      String applicationId = "bench-topology-" + id;
      String prefix = RedisKeyLayout.DEFAULT_PREFIX + "bench-" + id + ":";
      Map<String, Object> config =
          topologyConfig(broker, applicationId, threads, registry, prefix, commitInterval, extra);
      SpecificAvroDeserializer<WearableSample> deserializer =
          new SpecificAvroDeserializer<>(WearableSample.class);
      deserializer.configure(Map.of("schema.registry.url", registry), false);

      Phase topology;
      long[] latencies;
      double out;
      double dupes;
      double dead;
      double deleted;
      int latencyRate;
      String writes;
      try (FhirFlowApplication app =
          new FhirFlowApplication(
              new TopologyConfig(config),
              new FhirMapper(MappingCatalogue.builtIn()),
              deserializer,
              Clock.systemUTC())) {
        StreamsWriteReport.Snapshot[] edges = new StreamsWriteReport.Snapshot[2];
        CompressionEstimateSampler[] sampler = new CompressionEstimateSampler[1];
        topology =
            measure(
                "topology",
                () -> (long) app.counters().inCount(),
                warmup,
                samples,
                () -> {
                  edges[0] = StreamsWriteReport.Snapshot.of(app.streams().metrics());
                  if (StreamsWriteReport.DIAGNOSTICS) {
                    sampler[0] =
                        new CompressionEstimateSampler(
                            List.copyOf(edges[0].recordsByTopic().keySet()));
                  }
                },
                () -> edges[1] = StreamsWriteReport.Snapshot.of(app.streams().metrics()));
        writes = StreamsWriteReport.perSample(edges[0], edges[1], applicationId, samples);
        if (sampler[0] != null) {
          sampler[0].close();
          writes += sampler[0].report() + "\n";
        }
        out = app.counters().outCount() + app.counters().updateCount();
        dupes = app.counters().duplicateCount();
        dead = app.counters().deadLetteredCount();
        deleted = app.counters().deletedCount();
        // Latency is measured below saturation: at half the measured rate unless told otherwise.
        latencyRate =
            "auto".equals(latencyRateOption)
                ? Math.max(100, (int) (topology.rate() / 2))
                : Integer.parseInt(latencyRateOption);
        latencies =
            latency(
                broker,
                raw,
                serializer,
                new SampleGenerator(7, users, 0, 0, Instant.now(), shape),
                latencyRate,
                latencySeconds);
      }
      cleanRedis(prefix);

      String loadAfter = loadAverage();
      String report =
          String.format(
                  "| samples (after %d warm-up) | duplicates (all) | threads | partitions | tenants | commit ms | ceiling (pass-through EOS) | topology | ratio | CPU/sample ceiling / topology | p50 | p99 | load before/after |%n"
                      + "|---|---|---|---|---|---|---|---|---|---|---|---|---|%n"
                      + "| %d | %.0f (%.1f %%) | %d | %d | %d | %s | %.0f samples/s | %.0f samples/s | %.2f | %.0f / %.0f us | %d ms | %d ms | %s / %s |%n"
                      + "(mapped %.0f, dead-lettered %.0f, deletions %.0f; latency at %d samples/s for %d s, %d observations)%n",
                  warmup,
                  samples,
                  dupes,
                  100.0 * dupes / (warmup + samples),
                  threads,
                  partitions,
                  tenantCount,
                  commitInterval,
                  ceiling.rate(),
                  topology.rate(),
                  topology.rate() / ceiling.rate(),
                  ceiling.cpuMicrosPerSample(),
                  topology.cpuMicrosPerSample(),
                  percentile(latencies, 0.50),
                  percentile(latencies, 0.99),
                  loadBefore,
                  loadAfter,
                  out,
                  dead,
                  deleted,
                  latencyRate,
                  latencySeconds,
                  latencies.length)
              + String.format(
                  "CPU per sample by thread group (us): ceiling%s: %s; topology: %s%n%s%n"
                      + "What the topology wrote in the measured phase (its clients' counters):%n%s",
                  ceilingOnStreamsDefaults ? " (Kafka Streams' default producer settings)" : "",
                  ThreadCpu.format(ceiling.cpuByThreads()),
                  ThreadCpu.format(topology.cpuByThreads()),
                  (extra.isEmpty() ? "" : "topology settings: " + extra + "\n")
                      + (shape == SampleGenerator.Shape.BACKFILL ? "" : "input: " + shape + "\n"),
                  writes)
              + (floor == null ? "" : floor.report(ceiling, topology));
      System.out.println(report);
      Path file = Path.of("target", "topology-benchmark.md");
      Files.createDirectories(file.getParent());
      Files.writeString(file, report);
      plot(ceiling, topology, latencies, latencyRate);
    }
    System.exit(0);
  }

  /** The Streams floor's measured phase and what it wrote. */
  private record FloorRun(Phase phase, String writes) {

    /** Its lines of the report, set against the pass-through and the topology of the same run. */
    String report(Phase ceiling, Phase topology) {
      return String.format(
              "%nStreams floor (StreamsFloorApp: the topology's store and output writes per sample, none of its code): %.0f samples/s (%.2f x the pass-through; the topology %.2f x the floor), %.1f us CPU per sample (the topology %.2f x the floor)%n"
                  + "CPU per sample by thread group (us): streams floor: %s%n"
                  + "What the floor wrote in the measured phase:%n",
              phase.rate(),
              phase.rate() / ceiling.rate(),
              topology.rate() / phase.rate(),
              phase.cpuMicrosPerSample(),
              topology.cpuMicrosPerSample() / phase.cpuMicrosPerSample(),
              ThreadCpu.format(phase.cpuByThreads()))
          + writes;
    }
  }

  /**
   * The settings the benchmark runs the real application with: its own application id, state
   * directory and Redis key prefix, so that two applications can share one broker and one Redis.
   */
  static Map<String, Object> topologyConfig(
      KafkaBroker broker,
      String applicationId,
      int threads,
      String registry,
      String redisPrefix,
      String commitInterval,
      Map<String, String> extra)
      throws IOException {
    Map<String, Object> config = new HashMap<>();
    config.put(TopologyConfig.APPLICATION_ID_CONFIG, applicationId);
    config.put(TopologyConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    config.put(TopologyConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(threads));
    config.put(TopologyConfig.STATE_DIR_CONFIG, tempDir("topology"));
    config.put(TopologyConfig.SCHEMA_REGISTRY_URL_CONFIG, registry);
    config.put(TopologyConfig.METRICS_REDIS_URL_CONFIG, LocalServices.redisUrl());
    config.put(TopologyConfig.METRICS_KEY_PREFIX_CONFIG, redisPrefix);
    config.put(TopologyConfig.HTTP_PORT_CONFIG, "0");
    config.put("kafka.commit.interval.ms", commitInterval);
    config.putAll(extra);
    return config;
  }

  /**
   * Runs the Streams floor ({@link StreamsFloorApp}) over the same records as the pass-through and
   * measures it the same way.
   */
  private static FloorRun streamsFloor(
      KafkaBroker broker, String raw, int threads, int commitIntervalMs, int warmup, int samples)
      throws Exception {
    try (StreamsFloorApp floor =
        new StreamsFloorApp(
            broker.bootstrapServers(), raw, threads, commitIntervalMs, tempDir("floor"))) {
      StreamsWriteReport.Snapshot[] edges = new StreamsWriteReport.Snapshot[2];
      Phase phase =
          measure(
              "streams floor",
              floor::processed,
              warmup,
              samples,
              () -> edges[0] = StreamsWriteReport.Snapshot.of(floor.streams().metrics()),
              () -> edges[1] = StreamsWriteReport.Snapshot.of(floor.streams().metrics()));
      return new FloorRun(
          phase,
          StreamsWriteReport.perSample(
              "the floor", edges[0], edges[1], floor.applicationId(), samples));
    }
  }

  /** target/{@code file}: two bars, the pass-through ceiling's figure and the topology's. */
  private static void ceilingAgainstTopology(
      String file, String title, String unit, double ceiling, double topology) throws IOException {
    Map<String, Double> bars = new LinkedHashMap<>();
    bars.put("ceiling: pass-through, same batching", ceiling);
    bars.put("topology", topology);
    BenchChart.bars(Path.of("target", file), title, unit, bars);
  }

  /** target/topology-*.png: the figures of the table above, as plots. */
  private static void plot(Phase ceiling, Phase topology, long[] latencies, int latencyRate)
      throws IOException {
    ceilingAgainstTopology(
        "topology-throughput.png",
        "Topology against its ceiling (same run)",
        "samples/s",
        ceiling.rate(),
        topology.rate());
    ceilingAgainstTopology(
        "topology-cpu.png",
        "CPU per sample, whole JVM (broker included)",
        "µs CPU per sample",
        ceiling.cpuMicrosPerSample(),
        topology.cpuMicrosPerSample());
    BenchChart.percentiles(
        Path.of("target", "topology-latency.png"),
        "Raw record sent to Observation committed",
        Map.of("at " + latencyRate + " samples/s", BenchChart.percentilePoints(latencies)));
  }

  private static void produce(
      KafkaBroker broker,
      String topic,
      SpecificAvroSerializer<WearableSample> serializer,
      SampleGenerator gen,
      int n,
      int ratePerSecond) {
    produce(broker, List.of(topic), serializer, gen, n, ratePerSecond);
  }

  /** To the raw topic of each sample's user's tenant: a user's samples stay in one tenant. */
  static void produce(
      KafkaBroker broker,
      List<String> topics,
      SpecificAvroSerializer<WearableSample> serializer,
      SampleGenerator gen,
      int n,
      int ratePerSecond) {
    // A send that fails is counted and fails the run: without it, a lost sample (seen once as
    // OUT_OF_ORDER_SEQUENCE_NUMBER retries from a CPU-starved in-JVM broker) left the benchmark
    // waiting for a count it could never reach.
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    Callback onFailure =
        (metadata, e) -> {
          if (e != null) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, e);
          }
        };
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            producerProps(broker), new ByteArraySerializer(), new ByteArraySerializer())) {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        if (ratePerSecond > 0) {
          long due = start + (long) (i * 1e9 / ratePerSecond);
          while (System.nanoTime() < due) {
            Thread.onSpinWait();
          }
        }
        WearableSample s = gen.next();
        String topic = topics.get(Math.floorMod(s.getUserId().hashCode(), topics.size()));
        producer.send(
            new ProducerRecord<>(
                topic,
                null,
                System.currentTimeMillis(),
                s.getUserId().getBytes(StandardCharsets.UTF_8),
                serializer.serialize(topic, s)),
            onFailure);
      }
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(
          failed.get() + " of " + n + " samples were not written to the raw topic",
          firstFailure.get());
    }
  }

  private static Properties producerProps(KafkaBroker broker) {
    Properties p = broker.producerProps();
    p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return p;
  }

  /**
   * Throughput over the measured records, and this JVM's CPU time per sample by thread group. The
   * whole JVM (broker included) depends far less on other processes competing for the cores than
   * samples/s does.
   */
  record Phase(double rate, Map<String, Double> cpuByThreads) {
    double cpuMicrosPerSample() {
      return cpuByThreads.isEmpty() ? Double.NaN : ThreadCpu.total(cpuByThreads);
    }
  }

  private static Phase measure(
      String name, LongSupplier processed, int warmup, int n, Runnable atStart, Runnable atEnd)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    awaitProcessed(name, processed, Math.max(1, warmup), deadline);
    long first = System.nanoTime();
    ThreadCpu threads = ThreadCpu.start();
    atStart.run();
    awaitProcessed(name, processed, (long) warmup + n, deadline);
    atEnd.run();
    Phase phase = new Phase(n / seconds(System.nanoTime() - first), threads.microsPerSample(n));
    System.out.printf(
        "%s: %d samples at %.0f/s, %.1f us CPU per sample (%s)%n",
        name, n, phase.rate(), phase.cpuMicrosPerSample(), ThreadCpu.format(phase.cpuByThreads()));
    if (Boolean.getBoolean("bench.threads")) {
      System.out.printf("%s: other Java threads, us per sample: %s%n", name, threads.others(n, 8));
    }
    return phase;
  }

  private static final long STALL_NANOS = Duration.ofMinutes(3).toNanos();

  private static void awaitProcessed(String name, LongSupplier processed, long count, long deadline)
      throws InterruptedException {
    // A stall fails the run within minutes instead of at the half-hour deadline (a topology that
    // stops processing is a finding, and the run should say so with the count it reached).
    long last = processed.getAsLong();
    long lastMoved = System.nanoTime();
    while (processed.getAsLong() < count) {
      long now = System.nanoTime();
      long seen = processed.getAsLong();
      if (seen != last) {
        last = seen;
        lastMoved = now;
      }
      if (now > deadline || now - lastMoved > STALL_NANOS) {
        throw new IllegalStateException(
            name
                + " did not finish: "
                + seen
                + " of "
                + count
                + " processed"
                + (now > deadline
                    ? ""
                    : ", no progress for " + STALL_NANOS / 1_000_000_000 + " s"));
      }
      Thread.sleep(5);
    }
  }

  private static long[] latency(
      KafkaBroker broker,
      String raw,
      SpecificAvroSerializer<WearableSample> serializer,
      SampleGenerator gen,
      int rate,
      int seconds) {
    Properties cp = broker.consumerProps("bench-latency-" + UUID.randomUUID());
    cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    List<Long> lat = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicTail.assignAtEnd(consumer, PipelineTopic.Names.OBSERVATION);
      long phaseStart = System.currentTimeMillis();
      Thread producer =
          new Thread(
              () -> produce(broker, raw, serializer, gen, rate * seconds, rate),
              "bench-latency-producer");
      producer.start();
      long hardEnd = System.nanoTime() + Duration.ofSeconds(seconds + 60L).toNanos();
      long quietSince = System.nanoTime();
      // Until the producer is done and nothing more arrived for 2 s (all committed output read).
      while (System.nanoTime() < hardEnd
          && (producer.isAlive() || System.nanoTime() - quietSince < 2_000_000_000L)) {
        var records = consumer.poll(Duration.ofMillis(50));
        long received = System.currentTimeMillis();
        if (!records.isEmpty()) {
          quietSince = System.nanoTime();
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          if (r.timestamp() >= phaseStart) {
            lat.add(received - r.timestamp());
          }
        }
      }
    }
    long[] a = lat.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a;
  }

  private static long percentile(long[] sorted, double p) {
    return sorted.length == 0
        ? -1
        : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  /** Removes the keys a benchmark's topology wrote to the local Redis under its own prefix. */
  public static void cleanRedis(String prefix) {
    try (RedisClient client = RedisClient.create(LocalServices.redisUrl());
        StatefulRedisConnection<String, String> c = client.connect()) {
      ScanIterator<String> keys =
          ScanIterator.scan(c.sync(), ScanArgs.Builder.matches(prefix + "*").limit(1000));
      List<String> batch = new ArrayList<>();
      while (keys.hasNext()) {
        batch.add(keys.next());
        if (batch.size() == 1000) {
          c.sync().unlink(batch.toArray(new String[0]));
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        c.sync().unlink(batch.toArray(new String[0]));
      }
    } catch (RuntimeException e) {
      System.out.println("redis cleanup skipped: " + e.getClass().getSimpleName());
    }
  }

  static String tempDir(String name) throws java.io.IOException {
    return Files.createTempDirectory("bench-" + name).toString();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
