package io.fhirflow.cli.simulate;

import io.fhirflow.cli.output.ProgressLine;
import io.fhirflow.cli.output.SampleSink;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Sends the generator's records to their tenant's sink at a steady rate for a duration, or until
 * stopped, with a live progress line; returns what it sent.
 */
public final class Simulator {

  private final TrafficGenerator generator;
  private final Function<String, SampleSink> sinkOfTenant;
  private final Collection<SampleSink> sinks;
  private final ProgressLine progress;

  /** Every record to one sink, whatever its tenant. */
  public Simulator(TrafficGenerator generator, SampleSink sink, ProgressLine progress) {
    this(generator, Map.of(), sink, progress);
  }

  /**
   * @param sinks per tenant, the sink of its raw topic
   * @param otherwise the sink of a tenant not in {@code sinks}
   */
  public Simulator(
      TrafficGenerator generator,
      Map<String, SampleSink> sinks,
      SampleSink otherwise,
      ProgressLine progress) {
    this.generator = generator;
    this.sinkOfTenant = t -> sinks.getOrDefault(t, otherwise);
    Set<SampleSink> all = new LinkedHashSet<>(sinks.values());
    all.add(otherwise);
    this.sinks = all;
    this.progress = progress;
  }

  /**
   * @param rate records per second (the pacing target; a slow broker makes it lower, never higher)
   * @param duration how long to send
   * @param stopRequested polled per record, e.g. set by Ctrl-C
   */
  public SimulationSummary run(double rate, Duration duration, BooleanSupplier stopRequested) {
    SimulationSummary summary = new SimulationSummary();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    double nanosPerRecord = 1e9 / rate;
    long sent = 0;
    long failed = 0;
    while (!stopRequested.getAsBoolean()) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      long target = start + (long) (sent * nanosPerRecord);
      if (target > now) {
        // Pacing: wait for this record's slot (bounded, so Ctrl-C and the deadline are seen
        // quickly).
        LockSupport.parkNanos(Math.min(target - now, 50_000_000L));
        continue;
      }
      SimulatedRecord record = generator.next();
      SampleSink sink = sinkOfTenant.apply(record.tenant());
      try {
        if (record instanceof SimulatedRecord.Sample s) {
          sink.send(s.sample());
        } else if (record instanceof SimulatedRecord.Raw r) {
          sink.sendRaw(r.key(), r.value());
        }
      } catch (RuntimeException e) {
        failed++;
      }
      summary.count(record.tenant(), record.kind(), record.outcome());
      sent++;
      long n = System.nanoTime();
      progress.maybeShow(() -> summary.progressLine((n - start) / 1e9, (end - n) / 1e9));
    }
    sinks.forEach(SampleSink::flush);
    double seconds = (System.nanoTime() - start) / 1e9;
    summary.finished(seconds, failed);
    progress.finish(summary.progressLine(seconds, 0));
    return summary;
  }
}
