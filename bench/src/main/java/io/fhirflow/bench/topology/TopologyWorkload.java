package io.fhirflow.bench.topology;

import io.fhirflow.bench.BenchOptions;
import java.util.Locale;

/**
 * The options both topology benchmarks read the same way: who sends the samples, how they are
 * shaped, and how the application is threaded and committed.
 *
 * @param users distinct users the generator spreads samples over
 * @param threads stream threads of each application
 * @param partitions partitions of every topic
 * @param duplicates share of the samples that are exact duplicates
 * @param shape dense (a watch's samples close together) or backfill (spread over 3 days)
 * @param commitIntervalMs the applications' commit interval
 */
record TopologyWorkload(
    int users,
    int threads,
    int partitions,
    double duplicates,
    SampleGenerator.Shape shape,
    String commitIntervalMs) {

  static TopologyWorkload parse(BenchOptions opt) {
    return new TopologyWorkload(
        opt.integer("users", 10_000),
        opt.integer("threads", 2),
        opt.integer("partitions", 4),
        opt.decimal("duplicates", 0.05),
        SampleGenerator.Shape.valueOf(opt.text("input", "backfill").toUpperCase(Locale.ROOT)),
        opt.text("commit-interval-ms", "100"));
  }
}
