package io.fhirflow.bench.tenants;

import io.fhirflow.bench.BenchChart;
import io.fhirflow.bench.BenchOptions;
import io.fhirflow.bench.topology.SampleGenerator;
import io.fhirflow.bench.topology.TopologyBenchmark;
import io.fhirflow.cli.Main;
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
import io.fhirflow.testkit.TenantAddArguments;
import io.fhirflow.topology.FhirFlowApplication;
import io.fhirflow.topology.TopologyConfig;
import io.fhirflow.topology.ops.FlowCounters;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Fairness between tenants (issue 15, item 6; docs/tenants.md "Fairness"): does one tenant's flood
 * starve another? On the in-JVM KRaft broker that takes SASL only, with the standard authorizer and
 * ACLs ({@link KafkaBroker#startSecured}), {@code fhirflow tenant add} makes two tenants, A
 * (floods) and B (steady), each with its raw topic, gateway user and ACLs; the real topology (as
 * deployed: 2 stream threads, exactly_once_v2, its default commit interval, Redis metrics on) reads
 * both by its pattern. B's gateway sends at a steady low rate throughout; B's latency is send → its
 * Observation committed on the FHIR topic.
 *
 * <ol>
 *   <li>warm-up (not reported): B steady and a smaller flood from A, so that neither JIT
 *       compilation nor a cold topology counts in the quiet figure;
 *   <li>quiet: B alone;
 *   <li>A floods a backlog of {@code --flood} samples as fast as its producer can, no quota. The
 *       topology's capacity is measured here: samples taken in per second while A's backlog was
 *       queued and A's producer had finished (the producer no longer competing for the cores);
 *   <li>{@code fhirflow tenant add A --producer-byte-rate N} (a rerun: same topic and ACLs, new
 *       password, the quota added), N = {@code --quota-share} of that capacity in A's bytes on the
 *       wire per sample (measured in phase 2), or {@code --producer-byte-rate}; A floods again
 *       under it.
 * </ol>
 *
 * The phases run in this order because phase 2 measures what phase 3's quota is sized from. After
 * each, the run waits until the topology has taken in all of A's samples and B's Observations are
 * all seen (at most {@code --grace-seconds}), so no phase starts behind another's backlog. Options:
 * {@code --rate=50 --seconds=60 --flood=200000 --warmup-seconds=30 --warmup-flood=50000
 * --quota-share=0.5 --producer-byte-rate=N --burst-seconds=15 --quota-window-num=11
 * --flood-batch-bytes=262144 --partitions=4 --threads=2 --grace-seconds=300 --out=target/fairness}.
 * {@code --burst-seconds}: phase 3 is also reported without B's samples of its first seconds, in
 * which the broker still lets A use its allowance (its rate is averaged over 11 one-second windows,
 * so a quiet user may send ~10 s of its quota at once).
 */
public final class FairnessBenchmark {

  static final String FLOODING = "a";
  static final String STEADY = "b";

  private final FhirFlowApplication app;
  private final SteadyTenant steady;
  private final SpecificAvroSerializer<WearableSample> serializer;
  private final SampleGenerator floodSamples;
  private final int rate;
  private final long graceNanos;
  private final long burstNanos;
  private final int floodBatchBytes;

  private FairnessBenchmark(
      FhirFlowApplication app,
      SteadyTenant steady,
      SpecificAvroSerializer<WearableSample> serializer,
      SampleGenerator floodSamples,
      int rate,
      int graceSeconds,
      int burstSeconds,
      int floodBatchBytes) {
    this.app = app;
    this.steady = steady;
    this.serializer = serializer;
    this.floodSamples = floodSamples;
    this.rate = rate;
    this.graceNanos = graceSeconds * 1_000_000_000L;
    this.burstNanos = burstSeconds * 1_000_000_000L;
    this.floodBatchBytes = floodBatchBytes;
  }

  public static void main(String[] args) throws Exception {
    BenchOptions opt = BenchOptions.parse(args);
    int rate = opt.integer("rate", 50);
    int seconds = opt.integer("seconds", 60);
    int flood = opt.integer("flood", 200_000);
    int warmupSeconds = opt.integer("warmup-seconds", 30);
    int warmupFlood = opt.integer("warmup-flood", 50_000);
    double quotaShare = opt.decimal("quota-share", 0.5);
    String fixedQuota = opt.get("producer-byte-rate");
    int burstSeconds = opt.integer("burst-seconds", 15);
    int floodBatchBytes = opt.integer("flood-batch-bytes", 262_144);
    int partitions = opt.integer("partitions", 4);
    String threads = opt.text("threads", "2");
    int graceSeconds = opt.integer("grace-seconds", 300);
    Path out = Path.of(opt.text("out", "target/fairness"));
    Files.createDirectories(out);
    String id = UUID.randomUUID().toString().substring(0, 8);
    Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String loadBefore = loadAverage();

    // --quota-window-num: the broker's quota.window.num (default 11): a quiet user may send about
    // (that - 1) one-second windows' worth of its quota at once before the broker throttles it.
    Map<String, String> brokerConfig = new HashMap<>();
    if (opt.has("quota-window-num")) {
      brokerConfig.put("quota.window.num", opt.get("quota-window-num"));
    }
    // The gateways' credential files and the topology's state: removed when the run ends.
    Path work = Files.createTempDirectory("fairness-");
    try (KafkaBroker broker = KafkaBroker.startSecured(brokerConfig)) {
      broker.createTopics(
          partitions,
          PipelineTopic.Names.RAW,
          PipelineTopic.Names.OBSERVATION,
          PipelineTopic.Names.PATIENT,
          PipelineTopic.Names.DEVICE,
          PipelineTopic.Names.RAW_DEAD_LETTER,
          PipelineTopic.Names.ERASURE,
          PipelineTopic.Names.AUDIT_EVENT);
      Path credentials = Files.createDirectories(work.resolve("credentials"));
      Map<String, Object> floodGateway = addTenant(broker, credentials, FLOODING);
      Map<String, Object> steadyGateway = addTenant(broker, credentials, STEADY);

      String registry = "mock://fairness-" + id;
      SpecificAvroSerializer<WearableSample> serializer = new SpecificAvroSerializer<>();
      serializer.configure(Map.of("schema.registry.url", registry), false);
      SpecificAvroDeserializer<WearableSample> deserializer =
          new SpecificAvroDeserializer<>(WearableSample.class);
      deserializer.configure(Map.of("schema.registry.url", registry), false);
      String redisPrefix = RedisKeyLayout.DEFAULT_PREFIX + "fairness-" + id + ":";
      Map<String, Object> observer = new HashMap<>(KafkaBroker.adminSaslProps());
      observer.put("bootstrap.servers", broker.bootstrapServers());
      Instant now = Instant.now();
      SampleGenerator.Shape shape = SampleGenerator.Shape.BACKFILL;

      List<PhaseResult> phases = new ArrayList<>();
      long quota;
      Flood.Stats measured;
      double capacity;
      try (FhirFlowApplication app =
              new FhirFlowApplication(
                  topologyConfig(broker, work.resolve("state"), registry, redisPrefix, threads, id),
                  new FhirMapper(MappingCatalogue.builtIn()),
                  deserializer,
                  Clock.systemUTC());
          SteadyTenant steady =
              new SteadyTenant(
                  STEADY,
                  Tenants.rawTopic(PipelineTopic.Names.RAW, STEADY),
                  steadyGateway,
                  observer,
                  serializer,
                  new SampleGenerator(7, 1_000, 0, 0, now, shape))) {
        // One generator for A's whole run: a second one would resend the same samples, which
        // the topology drops as duplicates far more cheaply than it maps new ones.
        FairnessBenchmark run =
            new FairnessBenchmark(
                app,
                steady,
                serializer,
                new SampleGenerator(42, 10_000, 0.05, 0, now, shape),
                rate,
                graceSeconds,
                burstSeconds,
                floodBatchBytes);
        run.phase("warm-up", floodGateway, warmupFlood, warmupSeconds);
        phases.add(run.phase("1. B alone (quiet)", null, 0, seconds));
        PhaseResult unlimited = run.phase("2. A floods, no quota", floodGateway, flood, seconds);
        phases.add(unlimited);
        measured = unlimited.flood();
        capacity = unlimited.capacity();
        quota =
            fixedQuota != null
                ? Long.parseLong(fixedQuota)
                : quotaFor(capacity, measured.bytesPerSample(), quotaShare);
        Map<String, Object> limited =
            addTenant(broker, credentials, FLOODING, "--producer-byte-rate", Long.toString(quota));
        phases.add(
            run.phase(
                "3. A floods, quota " + String.format(Locale.ROOT, "%,d", quota) + " B/s",
                limited,
                flood,
                seconds));
      } finally {
        TopologyBenchmark.cleanRedis(redisPrefix);
      }

      PhaseResult quiet = phases.get(0);
      PhaseResult underQuota = phases.get(2);
      PhaseResult steadyUnderQuota = underQuota.after(burstSeconds * 1000L);
      String report =
          String.format(
                  Locale.ROOT,
                  "# Fairness: tenant A floods, tenant B steady (started %s, load average %s before, %s after)%n%n"
                      + "B: %d samples/s for %d s per phase; A: a backlog of %,d samples per flood phase"
                      + " (stopped when the phase ends), batch.size %,d B; broker quota.window.num %s."
                      + " Latency: B's send → its Observation committed (read_committed).%n%n",
                  started,
                  loadBefore,
                  loadAverage(),
                  rate,
                  seconds,
                  flood,
                  floodBatchBytes,
                  brokerConfig.getOrDefault("quota.window.num", "11 (default)"))
              + PhaseResult.table(phases, burstSeconds)
              + String.format(
                  Locale.ROOT,
                  "%n**B's p99 under A's flood with a quota / quiet: %.2f** (target ≤ 2); without a"
                      + " quota: %.2f.%n"
                      + "Phase 3 without B's samples of its first %d s (A's burst allowance): p50 %d ms,"
                      + " p99 %d ms, ratio %.2f.%n"
                      + "Quota: %s. Topology capacity (phase 2, A's backlog draining): %,.0f samples/s;"
                      + " A's bytes on the wire per sample: %.1f.%n",
                  underQuota.p99Ratio(quiet),
                  phases.get(1).p99Ratio(quiet),
                  burstSeconds,
                  steadyUnderQuota.percentile(0.50),
                  steadyUnderQuota.percentile(0.99),
                  steadyUnderQuota.p99Ratio(quiet),
                  fixedQuota != null
                      ? String.format(Locale.ROOT, "%,d B/s (given)", quota)
                      : String.format(
                          Locale.ROOT,
                          "%,d B/s = %.2f × capacity × bytes per sample",
                          quota,
                          quotaShare),
                  capacity,
                  measured.bytesPerSample())
              + String.format(
                  "%nB's p99 by when its samples were sent:%n%n%s",
                  PhaseResult.timeline(phases, seconds, 5));
      System.out.println(report);
      Files.writeString(out.resolve("fairness.md"), report);
      Map<String, double[][]> series = new LinkedHashMap<>();
      for (PhaseResult phase : phases) {
        series.put(phase.name(), BenchChart.percentilePoints(phase.seenLatencies()));
      }
      BenchChart.percentiles(
          out.resolve("fairness.png"), "Tenant B: sample sent to Observation committed", series);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    System.exit(0);
  }

  /**
   * The flooding tenant's producer byte rate: {@code share} of what the topology processes, in that
   * tenant's bytes on the wire.
   */
  static long quotaFor(double capacitySamplesPerSecond, double bytesPerSample, double share) {
    if (!(capacitySamplesPerSecond > 0) || !(bytesPerSample > 0)) {
      throw new IllegalStateException(
          "no capacity measured (A's flood built no backlog): give --producer-byte-rate");
    }
    return Math.max(1, Math.round(share * capacitySamplesPerSecond * bytesPerSample));
  }

  /**
   * One phase: B sends at its rate for {@code seconds} while A (unless {@code floodGateway} is
   * null) sends a backlog of {@code floodSize} samples, stopped when B's sending ends; then the
   * drain.
   */
  private PhaseResult phase(
      String name, Map<String, Object> floodGateway, int floodSize, int seconds)
      throws InterruptedException {
    System.out.printf("%s: %d s%n", name, seconds);
    double floodInBefore = samplesIn(FLOODING);
    long start = System.nanoTime();
    Flood flood =
        floodGateway == null
            ? null
            : new Flood(
                floodGateway,
                Tenants.rawTopic(PipelineTopic.Names.RAW, FLOODING),
                serializer,
                floodSamples,
                floodSize,
                floodBatchBytes);
    Thread sender =
        new Thread(
            () -> {
              try {
                steady.send(rate, seconds);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "fairness-steady");
    sender.start();
    Flood.Stats stats = Flood.Stats.NONE;
    long floodDone = -1;
    double inAtFloodDone = 0;
    double capacity = Double.NaN;
    long deadline = start + seconds * 1_000_000_000L + graceNanos;
    boolean burstMarked = false;
    try {
      while (System.nanoTime() < deadline) {
        Thread.sleep(100);
        if (flood != null && !burstMarked && System.nanoTime() - start >= burstNanos) {
          flood.markBurstEnd();
          burstMarked = true;
        }
        if (flood != null && floodDone < 0 && flood.finished()) {
          floodDone = System.nanoTime();
          inAtFloodDone = app.counters().inCount();
        }
        boolean floodIn =
            flood == null
                || (floodDone >= 0 && samplesIn(FLOODING) >= floodInBefore + flood.acked());
        if (floodIn && flood != null && Double.isNaN(capacity)) {
          long drained = System.nanoTime();
          // Only a backlog that lasted measures a rate; one drained within a poll does not.
          if (drained - floodDone > 2_000_000_000L) {
            capacity = (app.counters().inCount() - inAtFloodDone) / ((drained - floodDone) / 1e9);
          }
          capacity = Double.isNaN(capacity) ? -1 : capacity;
        }
        if (!sender.isAlive() && flood != null && stats == Flood.Stats.NONE) {
          stats = flood.stop();
        }
        if (!sender.isAlive() && floodIn && steady.pending() == 0) {
          break;
        }
      }
    } finally {
      if (flood != null) {
        flood.close();
      }
    }
    sender.join();
    List<PhaseResult.Sample> samples = steady.collect(start);
    // The topology's last commit and Redis flush settle before the next phase.
    Thread.sleep(3_000);
    PhaseResult result =
        new PhaseResult(name, samples, stats, capacity > 0 ? capacity : Double.NaN);
    System.out.printf(
        "%s: B p50 %d ms, p99 %d ms (%d samples, %d not seen); A %d samples at %.0f/s, %.1f B/sample%n",
        name,
        result.percentile(0.5),
        result.percentile(0.99),
        samples.size(),
        result.notSeen(),
        stats.acked(),
        stats.samplesPerSecond(),
        stats.bytesPerSample());
    return result;
  }

  private double samplesIn(String tenant) {
    return app.registry().find(FlowCounters.IN).tag("tenant", tenant).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private static TopologyConfig topologyConfig(
      KafkaBroker broker,
      Path stateDir,
      String registry,
      String redisPrefix,
      String threads,
      String id) {
    Map<String, Object> config = new HashMap<>();
    config.put(TopologyConfig.APPLICATION_ID_CONFIG, "fairness-" + id);
    config.put(TopologyConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    config.put(TopologyConfig.NUM_STREAM_THREADS_CONFIG, threads);
    config.put(TopologyConfig.STATE_DIR_CONFIG, stateDir.toString());
    config.put(TopologyConfig.SCHEMA_REGISTRY_URL_CONFIG, registry);
    config.put(TopologyConfig.METRICS_REDIS_URL_CONFIG, LocalServices.redisUrl());
    config.put(TopologyConfig.METRICS_KEY_PREFIX_CONFIG, redisPrefix);
    config.put(TopologyConfig.HTTP_PORT_CONFIG, "0");
    // The topology logs in as the platform's own (super) user; only gateways have quotas.
    KafkaBroker.adminSaslProps()
        .forEach((key, value) -> config.put(TopologyConfig.KAFKA_PREFIX + key, value));
    return new TopologyConfig(config);
  }

  /**
   * {@code fhirflow tenant add NAME [options]} as the admin; the gateway's client settings, read
   * back from the credential file it wrote.
   */
  private static Map<String, Object> addTenant(
      KafkaBroker broker, Path dir, String tenant, String... options) throws IOException {
    Path file = dir.resolve(tenant + "-" + UUID.randomUUID() + ".properties");
    if (Main.run(TenantAddArguments.asAdmin(broker, tenant, file, List.of(options))) != 0) {
      throw new IllegalStateException("fhirflow tenant add " + tenant + " failed");
    }
    return broker.gatewayClient(file);
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "?";
    }
  }
}
