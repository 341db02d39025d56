package io.fhirflow.bench.mapping;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.schema.WearableSample;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.hl7.fhir.r4.model.Observation;

/**
 * Companion to {@link MappingBenchmark} for shared machines: measures CPU time per operation of the
 * benchmark thread (ThreadMXBean), which other processes competing for the cores do not inflate the
 * way they inflate JMH's wall-clock average. Prints the last of several rounds; the first rounds
 * are warm-up.
 */
public final class MappingCpuTime {
  private static final int ROUNDS = 8;
  private static final int SERIES_SAMPLES = BenchSamples.SERIES_SAMPLES;

  private MappingCpuTime() {}

  public static void main(String[] args) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    FhirMapper mapper = new FhirMapper(MappingCatalogue.builtIn());
    WearableSample heartRate = BenchSamples.healthKitHeartRate();
    WearableSample bloodPressure = BenchSamples.healthKitBloodPressure();
    WearableSample weight = BenchSamples.healthConnectWeightInPounds();
    WearableSample series = BenchSamples.healthConnectHeartRateSeries();
    BenchSamples.requireAllMap(mapper, heartRate, bloodPressure, weight, series);
    IParser hapi = FhirContext.forR4Cached().newJsonParser();
    Observation model =
        (Observation)
            hapi.parseResource(
                ((Mapped) mapper.map(heartRate, false)).observations().get(0).json());
    String line = "";
    for (int round = 0; round < ROUNDS; round++) {
      line =
          String.format(
              "CPU µs per Observation: healthKitHeartRate %.2f | healthKitBloodPressure %.2f | "
                  + "healthConnectWeight %.2f | healthConnectHeartRateSeriesPerObservation %.2f | "
                  + "hapiJsonParserOnly %.2f",
              cpu(threads, 20_000, 1, () -> mapper.map(heartRate, false)),
              cpu(threads, 20_000, 1, () -> mapper.map(bloodPressure, false)),
              cpu(threads, 20_000, 1, () -> mapper.map(weight, false)),
              cpu(threads, 500, SERIES_SAMPLES, () -> mapper.map(series, false)),
              cpu(threads, 5_000, 1, () -> hapi.encodeResourceToString(model)));
    }
    System.out.println(line);
  }

  private static double cpu(
      ThreadMXBean threads, int invocations, int observationsPerInvocation, Runnable operation) {
    long start = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < invocations; i++) {
      operation.run();
    }
    long nanos = threads.getCurrentThreadCpuTime() - start;
    return nanos / 1000.0 / invocations / observationsPerInvocation;
  }
}
