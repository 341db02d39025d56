package io.fhirflow.bench;

import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.MockSchemaRegistryClient;
import io.fhirflow.serde.SerdeConfig;
import io.fhirflow.serde.SpecificAvroDeserializer;
import io.fhirflow.serde.SpecificAvroSerializer;
import io.fhirflow.testkit.WearableSamples;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Throughput of the Confluent wire-format serde on a realistic mix of raw samples (one of each body
 * kind, round-robin), per thread. The topology's budget is 30k samples/s on 2 cores including
 * everything else, so deserialization must cost a small fraction of that. The registry is the
 * in-memory one: after the first record per schema id both paths never touch it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SerdeBenchmark extends JmhRunPlan {

  private static final String TOPIC = PipelineTopic.Names.RAW;

  private final String scope = "bench-" + System.nanoTime();
  private SpecificAvroSerializer<WearableSample> serializer;
  private SpecificAvroDeserializer<WearableSample> deserializer;
  private List<WearableSample> samples;
  private ByteBuffer[] encoded;
  private int next;
  private final SpecificDatumReader<WearableSample> plainReader =
      new SpecificDatumReader<>(WearableSample.class);
  private BinaryDecoder decoder;

  @Setup
  public void setUp() {
    Map<String, Object> config = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "mock://" + scope);
    serializer = new SpecificAvroSerializer<>();
    serializer.configure(config, false);
    deserializer = new SpecificAvroDeserializer<>(WearableSample.class);
    deserializer.configure(config, false);
    samples = WearableSamples.oneOfEachKind();
    encoded =
        samples.stream()
            .map(s -> ByteBuffer.wrap(serializer.serialize(TOPIC, s)))
            .toArray(ByteBuffer[]::new);
  }

  @TearDown
  public void tearDown() {
    MockSchemaRegistryClient.dropScope(scope);
  }

  /** What the consumer side of Kafka 4 calls: deserialize(topic, headers, ByteBuffer). */
  @Benchmark
  public WearableSample deserialize() {
    next = next + 1 == encoded.length ? 0 : next + 1;
    return deserializer.deserialize(TOPIC, null, encoded[next].duplicate());
  }

  /**
   * Baseline: the same bodies decoded by a bare Avro SpecificDatumReader (no header, no registry,
   * no checks). The difference to {@link #deserialize()} is what the serde itself costs.
   */
  @Benchmark
  public WearableSample plainAvroDecode() throws java.io.IOException {
    next = next + 1 == encoded.length ? 0 : next + 1;
    ByteBuffer body = encoded[next];
    decoder =
        DecoderFactory.get()
            .binaryDecoder(body.array(), body.arrayOffset() + 5, body.remaining() - 5, decoder);
    return plainReader.read(null, decoder);
  }

  @Benchmark
  public byte[] serialize() {
    next = next + 1 == samples.size() ? 0 : next + 1;
    return serializer.serialize(TOPIC, samples.get(next));
  }
}
