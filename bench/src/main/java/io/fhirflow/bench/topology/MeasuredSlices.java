package io.fhirflow.bench.topology;

import io.fhirflow.bench.ThreadCpu;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the measured slices of one side of a {@link PairedTopologyBenchmark} add up to. A slice
 * counts only if it starts after the side has processed its warm-up samples and processes any
 * (slices before that also absorb the group's first rebalance); the side's figure is all counted
 * CPU over all counted samples, so a long slice weighs more than a short one.
 */
final class MeasuredSlices {

  private final long warmup;
  private final Map<String, Double> micros = new LinkedHashMap<>();
  private final List<Double> perSlice = new ArrayList<>();
  private long samples;

  MeasuredSlices(long warmup) {
    this.warmup = warmup;
  }

  /**
   * Adds a slice that processed {@code processed} samples, the side having processed {@code
   * processedBefore} before it, with the whole JVM's CPU in microseconds by thread group; returns
   * false (and adds nothing) for a warm-up slice.
   */
  boolean add(long processedBefore, long processed, Map<String, Double> sliceMicros) {
    if (processedBefore < warmup || processed <= 0) {
      return false;
    }
    samples += processed;
    sliceMicros.forEach((group, value) -> micros.merge(group, value, Double::sum));
    perSlice.add(ThreadCpu.total(sliceMicros) / processed);
    return true;
  }

  long samples() {
    return samples;
  }

  /** Microseconds of CPU per sample of each counted slice, in order. */
  List<Double> perSlice() {
    return Collections.unmodifiableList(perSlice);
  }

  /** Microseconds of CPU per sample over all counted slices; NaN before any. */
  double microsPerSample() {
    return samples == 0 ? Double.NaN : ThreadCpu.total(micros) / samples;
  }

  /** This side's CPU per sample over the other's (the report's "A / B"). */
  double ratioTo(MeasuredSlices other) {
    return microsPerSample() / other.microsPerSample();
  }

  /**
   * How far this side's figure may be off, relative to it: its slices' sample standard deviation
   * over the square root of their number, over their mean (NaN with fewer than two slices). The
   * slices of one side vary with the machine (± 5-15 % on these shared machines), so this, not the
   * number of samples, is what limits a comparison.
   */
  double relativeStandardError() {
    int n = perSlice.size();
    if (n < 2) {
      return Double.NaN;
    }
    double mean = perSlice.stream().mapToDouble(Double::doubleValue).sum() / n;
    double squares = perSlice.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
    return Math.sqrt(squares / (n - 1)) / Math.sqrt(n) / mean;
  }

  /**
   * One standard error of {@link #ratioTo}, from both sides' slices (the relative errors of a
   * quotient of independent figures add in quadrature): a difference of a few per cent between two
   * runs means nothing when this is as large.
   */
  double ratioStandardError(MeasuredSlices other) {
    double ra = relativeStandardError();
    double rb = other.relativeStandardError();
    return ratioTo(other) * Math.sqrt(ra * ra + rb * rb);
  }

  /** Microseconds per sample by thread group, largest first. */
  Map<String, Double> perSampleByGroup() {
    Map<String, Double> per = new LinkedHashMap<>();
    micros.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> per.put(e.getKey(), e.getValue() / Math.max(1, samples)));
    return per;
  }
}
