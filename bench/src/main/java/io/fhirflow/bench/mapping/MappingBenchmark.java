package io.fhirflow.bench.mapping;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.fhirflow.bench.JmhRunPlan;
import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.mapping.MappingOutcome;
import io.fhirflow.schema.WearableSample;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Observation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Mapping plus JSON encoding, one thread: what one sample costs from {@link WearableSample} to the
 * bytes the topology publishes (Observation, Patient and Device JSON included). Target: at most 10
 * µs per Observation. {@link #hapiJsonParserOnly} is the baseline the hand-written encoder
 * replaces.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class MappingBenchmark extends JmhRunPlan {
  private static final int SERIES_SAMPLES = BenchSamples.SERIES_SAMPLES;

  private FhirMapper mapper;
  private WearableSample heartRate;
  private WearableSample bloodPressure;
  private WearableSample weightInPounds;
  private WearableSample heartRateSeries;
  private Observation heartRateModel;
  private IParser hapiJson;

  @Setup
  public void setUp() {
    mapper = new FhirMapper(MappingCatalogue.builtIn());
    heartRate = BenchSamples.healthKitHeartRate();
    bloodPressure = BenchSamples.healthKitBloodPressure();
    weightInPounds = BenchSamples.healthConnectWeightInPounds();
    heartRateSeries = BenchSamples.healthConnectHeartRateSeries();
    BenchSamples.requireAllMap(mapper, heartRate, bloodPressure, weightInPounds, heartRateSeries);
    hapiJson = FhirContext.forR4Cached().newJsonParser();
    heartRateModel =
        (Observation)
            hapiJson.parseResource(
                ((Mapped) mapper.map(heartRate, false)).observations().get(0).json());
  }

  /** HealthKit heart rate: one Observation + Patient + Device. */
  @Benchmark
  public MappingOutcome healthKitHeartRate() {
    return mapper.map(heartRate, false);
  }

  /** HealthKit blood pressure correlation: the panel with two components + Patient + Device. */
  @Benchmark
  public MappingOutcome healthKitBloodPressure() {
    return mapper.map(bloodPressure, false);
  }

  /** Health Connect weight in pounds (converted to kg, vital-signs profile). */
  @Benchmark
  public MappingOutcome healthConnectWeight() {
    return mapper.map(weightInPounds, false);
  }

  /** A 60-sample Health Connect heart-rate series, reported per Observation. */
  @Benchmark
  @OperationsPerInvocation(SERIES_SAMPLES)
  public MappingOutcome healthConnectHeartRateSeriesPerObservation() {
    return mapper.map(heartRateSeries, false);
  }

  /** Baseline: HAPI's JsonParser encoding the same heart-rate Observation (no mapping). */
  @Benchmark
  public String hapiJsonParserOnly() {
    return hapiJson.encodeResourceToString(heartRateModel);
  }
}
