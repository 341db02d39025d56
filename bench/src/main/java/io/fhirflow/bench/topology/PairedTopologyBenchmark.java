package io.fhirflow.bench.topology;

import io.fhirflow.bench.BenchOptions;
import io.fhirflow.bench.ThreadCpu;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.contracts.RedisKeyLayout;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.SpecificAvroDeserializer;
import io.fhirflow.serde.SpecificAvroSerializer;
import io.fhirflow.testkit.KafkaBroker;
import io.fhirflow.topology.FhirFlowApplication;
import io.fhirflow.topology.TopologyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntPredicate;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Two configurations of the real topology compared inside one run, because on these shared machines
 * two runs of the same code differ by up to ± 25 % and an interleaved series of separate runs
 * cannot resolve a 5 % difference (BENCHMARKS.md, "Summaries on vs off").
 *
 * <p>Both applications (A and B, each with its own application id, state directory and Redis
 * prefix) read the same raw topic in one JVM on one broker, but only one processes at a time: the
 * other is paused with {@link KafkaStreams#pause()}, which in Kafka Streams stops processing and
 * punctuation (its threads keep polling paused partitions, a cost both sides pay alike). They take
 * turns in slices of {@code --slice-seconds} in the order A B B A A B B A ..., so that drift in the
 * machine's state falls on both equally. A slice's CPU is the whole JVM's (broker, JIT and GC
 * included) from the resume to 500 ms after the pause, so that the commit of the slice's last
 * records is counted with it; its samples are what the active application processed. Slices that
 * start before an application has processed {@code --warmup} samples warm it up and are not
 * counted; they also absorb the group's first rebalance, which a paused application does not finish
 * until it is resumed.
 *
 * <p>Options: {@code --a=key=value,... --b=key=value,...} (topology settings of each side, e.g.
 * {@code --a=summaries.enabled=true --b=summaries.enabled=false}), {@code --samples=N} (measured
 * samples per side, after {@code --warmup=N}), {@code --slice-seconds=N}, {@code --users=N
 * --threads=N --partitions=N --duplicates=0.05 --input=backfill|dense --commit-interval-ms=N}, as
 * in {@link TopologyBenchmark}. The command is in BENCHMARKS.md.
 */
public final class PairedTopologyBenchmark {

  private static final long SETTLE_MILLIS = 500;
  private static final int[] ORDER = {0, 1, 1, 0};

  private PairedTopologyBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchOptions opt = BenchOptions.parse(args);
    int samples = opt.integer("samples", 1_000_000);
    int warmup = opt.integer("warmup", 1_000_000);
    int sliceSeconds = opt.integer("slice-seconds", 15);
    TopologyWorkload work = TopologyWorkload.parse(opt);
    List<Map<String, String>> settings =
        List.of(BenchOptions.pairs(opt.text("a", "")), BenchOptions.pairs(opt.text("b", "")));
    String id = UUID.randomUUID().toString().substring(0, 8);
    String loadBefore = TopologyBenchmark.loadAverage();
    // Each side stops once its measured slices hold `samples`; the input has room for two slices to
    // run over: the last warm-up slice overshoots `warmup` and the last measured one `samples`
    // (40,000 samples/s is above any rate seen on these machines; with room for one slice only, a
    // run on 2026-12-08 ran out of input at 29,000 samples/s).
    long total = (long) warmup + samples + 2L * sliceSeconds * 40_000L;

    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopics(
          work.partitions(),
          Arrays.stream(PipelineTopic.values())
              .map(PipelineTopic::defaultName)
              .toArray(String[]::new));
      String registry = "mock://bench-" + id;
      SpecificAvroSerializer<WearableSample> serializer = new SpecificAvroSerializer<>();
      serializer.configure(Map.of("schema.registry.url", registry), false);
      TopologyBenchmark.produce(
          broker,
          List.of(PipelineTopic.Names.RAW),
          serializer,
          new SampleGenerator(42, work.users(), work.duplicates(), 0, Instant.now(), work.shape()),
          (int) total,
          0);
      System.out.printf("loaded %d samples; each side reads them from the start%n", total);

      List<Side> sides = new ArrayList<>();
      try {
        for (int s = 0; s < 2; s++) {
          String name = s == 0 ? "A" : "B";
          sides.add(
              new Side(
                  name,
                  settings.get(s),
                  start(broker, id, name, work, registry, settings.get(s)),
                  warmup));
          sides.get(s).app.streams().pause();
        }
        alternate(sides, samples, total, sliceSeconds);
      } finally {
        for (Side side : sides) {
          side.app.close();
          TopologyBenchmark.cleanRedis(side.redisPrefix(id));
        }
      }
      String report = report(sides, warmup, sliceSeconds, work.shape(), loadBefore);
      System.out.println(report);
      Path file = Path.of("target", "paired-topology-benchmark.md");
      Files.createDirectories(file.getParent());
      Files.writeString(file, report);
    }
    System.exit(0);
  }

  private static FhirFlowApplication start(
      KafkaBroker broker,
      String id,
      String name,
      TopologyWorkload work,
      String registry,
      Map<String, String> extra)
      throws Exception {
    Map<String, Object> config =
        TopologyBenchmark.topologyConfig(
            broker,
            "bench-pair-" + name + "-" + id,
            work.threads(),
            registry,
            Side.redisPrefix(id, name),
            work.commitIntervalMs(),
            extra);
    SpecificAvroDeserializer<WearableSample> deserializer =
        new SpecificAvroDeserializer<>(WearableSample.class);
    deserializer.configure(Map.of("schema.registry.url", registry), false);
    return new FhirFlowApplication(
        new TopologyConfig(config),
        new FhirMapper(MappingCatalogue.builtIn()),
        deserializer,
        Clock.systemUTC());
  }

  /**
   * Slices in the order A B B A ... until each side's measured slices hold {@code samples}; a side
   * that has them gives its turn to the other.
   */
  private static void alternate(List<Side> sides, int samples, long total, int sliceSeconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
    for (int slot = 0; sides.stream().anyMatch(s -> s.measured.samples() < samples); slot++) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the pair did not finish within an hour");
      }
      Side side = sides.get(turn(slot, s -> sides.get(s).measured.samples() >= samples));
      long before = side.processed();
      ThreadCpu cpu = ThreadCpu.start();
      long t0 = System.nanoTime();
      side.app.streams().resume();
      Thread.sleep(Duration.ofSeconds(sliceSeconds).toMillis());
      side.app.streams().pause();
      Thread.sleep(SETTLE_MILLIS);
      long processed = side.processed() - before;
      Map<String, Double> micros = cpu.microsPerSample(1);
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (side.processed() >= total) {
        throw new IllegalStateException(
            side.name
                + " read all "
                + total
                + " samples before its measured slices were done: more input is needed");
      }
      boolean measured = side.measured.add(before, processed, micros);
      System.out.printf(
          "slot %2d %s: %,9d samples in %4.1f s, %6.1f us CPU per sample%s%n",
          slot,
          side.name,
          processed,
          seconds,
          processed == 0 ? Double.NaN : ThreadCpu.total(micros) / processed,
          measured ? "" : " (warm-up)");
    }
  }

  /**
   * The side (0 for A, 1 for B) whose turn slot {@code slot} is: A B B A A B B A ..., except that a
   * side that is {@code done} gives its turn to the other.
   */
  static int turn(int slot, IntPredicate done) {
    int side = ORDER[slot % ORDER.length];
    return done.test(side) ? 1 - side : side;
  }

  private static String report(
      List<Side> sides,
      int warmup,
      int sliceSeconds,
      SampleGenerator.Shape shape,
      String loadBefore) {
    Side a = sides.get(0);
    Side b = sides.get(1);
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "| side | settings | measured samples | slices | us CPU per sample (whole JVM) | per slice |%n"
                + "|---|---|---|---|---|---|%n"));
    for (Side side : sides) {
      out.append(
          String.format(
              "| %s | %s | %,d | %d | %.1f | %s |%n",
              side.name,
              side.settings.isEmpty() ? "(defaults)" : side.settings,
              side.measured.samples(),
              side.measured.perSlice().size(),
              side.measured.microsPerSample(),
              side.measured.perSlice().stream()
                  .map(v -> String.format("%.1f", v))
                  .reduce((x, y) -> x + ", " + y)
                  .orElse("-")));
    }
    out.append(
        String.format(
            "A / B: %.3f ± %.3f (one standard error, from the slices' spread; input %s, %d warm-up"
                + " samples per side, %d s slices, load before %s after %s)%n",
            a.measured.ratioTo(b.measured),
            a.measured.ratioStandardError(b.measured),
            shape,
            warmup,
            sliceSeconds,
            loadBefore,
            TopologyBenchmark.loadAverage()));
    for (Side side : sides) {
      out.append(
          String.format(
              "%s by thread group (us per sample): %s%n",
              side.name, ThreadCpu.format(side.measured.perSampleByGroup())));
    }
    return out.toString();
  }

  /** One application of the pair and what its measured slices added up to. */
  private static final class Side {
    final String name;
    final Map<String, String> settings;
    final FhirFlowApplication app;
    final MeasuredSlices measured;

    Side(String name, Map<String, String> settings, FhirFlowApplication app, int warmup) {
      this.name = name;
      this.settings = settings;
      this.app = app;
      this.measured = new MeasuredSlices(warmup);
    }

    static String redisPrefix(String id, String name) {
      return RedisKeyLayout.DEFAULT_PREFIX + "bench-pair-" + name + "-" + id + ":";
    }

    String redisPrefix(String id) {
      return redisPrefix(id, name);
    }

    long processed() {
      return (long) app.counters().inCount();
    }
  }
}
