package io.fhirflow.bench.topology;

import io.fhirflow.bench.JmhRunPlan;
import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.topology.ops.FlowCounters;
import io.fhirflow.topology.ops.SourceMarks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What counting one record costs a processor (issue 19 review): {@link FlowCounters} looked up per
 * record (a {@code TopicPartition} and a map lookup each time) against {@link SourceMarks}, which
 * keeps the last partition's marks. Each op is a record of the same raw partition, as a task sees
 * most records; the record's metadata exists already in Kafka Streams, so it is made once here. Run
 * with JMH's gc profiler for the allocation per op: {@code -Djmh.args="SourceMarksBenchmark -prof
 * gc"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SourceMarksBenchmark extends JmhRunPlan {

  private record Source(String topic, int partition, long offset) implements RecordMetadata {}

  private final FlowCounters counters =
      new FlowCounters(new SimpleMeterRegistry(), PipelineTopic.Names.RAW);
  private final SourceMarks marks = new SourceMarks(counters);
  private final RecordMetadata source = new Source(PipelineTopic.Names.RAW, 2, 1_000);

  @Benchmark
  public Object lookedUpPerRecord() {
    return counters.firstOutcome(source);
  }

  @Benchmark
  public Object lastPartitionKept() {
    return marks.firstOutcome(source);
  }
}
