package io.fhirflow.cli;

import io.fhirflow.cli.output.ProgressLine;
import io.fhirflow.cli.output.SampleSink;
import io.fhirflow.cli.simulate.SimulationSummary;
import io.fhirflow.cli.simulate.Simulator;
import io.fhirflow.cli.simulate.TrafficGenerator;
import io.fhirflow.contracts.Tenants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fhirflow simulate --users 50 --rate 500 --duration 2m [--tenants default,acme]}. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Produces realistic HealthKit and Health Connect traffic for N users at a chosen rate: heart-rate series, "
          + "sleep sessions with stages, blood pressure, steps, SpO2 and weight, with ~5 % duplicates, some updated "
          + "records, some late ones, ~0.5 % deletions (a quarter of them sent before their original) and ~1 % bad "
          + "records (not wire format, unknown schema id, NaN, end before start, unknown type) that must all end in the "
          + "dead-letter topic.",
      "Stops after the duration or on Ctrl-C, then prints what it sent per kind and outcome."
    })
final class SimulateCommand implements Callable<Integer> {

  @Option(
      names = "--users",
      defaultValue = "20",
      description = "Number of simulated users (default ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--rate",
      defaultValue = "200",
      description = "Records per second (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "How long to run: 90s, 5m, 1h or ISO-8601 (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--seed",
      description =
          "Random seed; the same seed gives the same traffic (and the same record ids, "
              + "which a second run then sends as duplicates). Default: a new seed per run, printed.")
  Long seed;

  @Option(
      names = "--bad-share",
      defaultValue = "0.01",
      description = "Share of bad records (default ${DEFAULT-VALUE}).")
  double badShare;

  @Option(
      names = "--duplicate-share",
      defaultValue = "0.05",
      description = "Share of exact duplicates (default ${DEFAULT-VALUE}).")
  double duplicateShare;

  @Option(
      names = "--deletion-share",
      defaultValue = "0.005",
      description = "Share of deletions from the phone (default ${DEFAULT-VALUE}).")
  double deletionShare;

  @Option(
      names = "--tenants",
      split = ",",
      paramLabel = "TENANT",
      description =
          "Tenants to spread the users over, in turn (e.g. default,acme): each user belongs to one "
              + "tenant and its records go to that tenant's raw topic (--topic for the default "
              + "tenant, <topic>.<tenant> for any other; docs/tenants.md); one user id is in two "
              + "tenants, as two patients. Default: every user in --topic, as before tenants.")
  List<String> tenants;

  @Option(names = "--summary-json", description = "Also write the summary as JSON to this file.")
  Path summaryJson;

  @Option(names = "--dry-run", description = "Generate and count only; send nothing.")
  boolean dryRun;

  @Mixin KafkaOptions kafka;

  @Override
  public Integer call() throws Exception {
    if (users < 1 || rate <= 0 || duration.isNegative() || duration.isZero()) {
      System.err.println("--users, --rate and --duration must be positive");
      return 2;
    }
    List<String> tenantList =
        tenants == null ? List.of() : List.copyOf(new LinkedHashSet<>(tenants));
    for (String tenant : tenantList) {
      if (!Tenants.isValid(tenant)) {
        System.err.println("--tenants: not a tenant name (" + Tenants.NAME_REGEX + "): " + tenant);
        return 2;
      }
    }
    // Replay as many hours of data as the rate covers, ending now: cadences stay realistic.
    double speedup = Math.max(1, rate / TrafficGenerator.naturalRate(users));
    Duration backfill = Duration.ofMillis((long) (duration.toMillis() * speedup));
    long effectiveSeed = seed != null ? seed : System.nanoTime();
    TrafficGenerator generator =
        new TrafficGenerator(
            users,
            tenantList.isEmpty() ? List.of(Tenants.DEFAULT) : tenantList,
            effectiveSeed,
            Clock.systemUTC(),
            backfill,
            new TrafficGenerator.Mix(duplicateShare, 0.02, 0.03, badShare, deletionShare));
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.set(true);
              try {
                done.await(); // let the summary print before the JVM exits
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Runtime.getRuntime().addShutdownHook(hook);
    try (SampleSink sink =
        dryRun ? new CountingSink() : KafkaSampleSink.create(kafka, Clock.systemUTC())) {
      System.out.printf(
          "simulating %d users (HealthKit and Health Connect) at %.0f records/s for %s, %s of data ending now (seed %d)%s%n",
          users,
          rate,
          human(duration),
          human(backfill),
          effectiveSeed,
          tenantList.isEmpty() ? "" : ", tenants " + String.join(", ", tenantList));
      SimulationSummary summary =
          new Simulator(
                  generator, tenantSinks(sink, tenantList), sink, new ProgressLine(System.err, 500))
              .run(rate, duration, stop::get);
      summary.print(System.out);
      if (summaryJson != null) {
        Files.writeString(summaryJson, summary.toJson());
      }
      return 0;
    } finally {
      done.countDown();
      if (!stop.get()) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
  }

  /** Each tenant's raw topic's sink, on the one producer of {@code sink}. */
  private Map<String, SampleSink> tenantSinks(SampleSink sink, List<String> tenantList) {
    Map<String, SampleSink> sinks = new HashMap<>();
    if (sink instanceof KafkaSampleSink kafkaSink) {
      for (String tenant : tenantList) {
        sinks.put(tenant, kafkaSink.onTopic(Tenants.rawTopic(kafka.topic(), tenant)));
      }
    }
    return sinks;
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format("%.1f h", s / 3600.0)
        : s >= 60 ? String.format("%.1f min", s / 60.0) : s + " s";
  }

  /** Accepts 90s, 5m, 2h, 1d or an ISO-8601 duration. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      if (v.startsWith("p")) {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      }
      char unit = v.charAt(v.length() - 1);
      if (Character.isDigit(unit)) {
        return Duration.ofSeconds(Long.parseLong(v));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (unit) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new IllegalArgumentException("unknown duration unit in " + value);
      };
    }
  }
}
