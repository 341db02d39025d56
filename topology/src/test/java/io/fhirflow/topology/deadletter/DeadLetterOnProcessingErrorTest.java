package io.fhirflow.topology.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.serde.SchemaRegistryException;
import io.fhirflow.topology.FhirFlowTopology;
import io.fhirflow.topology.ops.FlowCounters;
import io.fhirflow.topology.testing.DeadLetterAssertions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeadLetterOnProcessingErrorTest {

  private final FlowCounters counters =
      new FlowCounters(new SimpleMeterRegistry(), PipelineTopic.Names.RAW);
  private final DeadLetterOnProcessingError handler = new DeadLetterOnProcessingError();
  private final byte[] rawKey = "user-1".getBytes(StandardCharsets.UTF_8);
  private final byte[] rawValue = {0, 0, 0, 0, 1, 42};

  @BeforeEach
  void configure() {
    handler.configure(
        Map.of(
            StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
            "dlq",
            DeadLetterOnProcessingError.COUNTERS_CONFIG,
            counters));
  }

  @Test
  void deadLettersTheSourceBytesOfAnUnexpectedErrorWithTheContractHeadersAndResumes() {
    ProcessingExceptionHandler.Response response =
        handler.handleError(
            context(), new Record<>("k", "v", 0L), new IllegalStateException("a bug"));

    assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
    assertThat(dead.topic()).isEqualTo("dlq");
    assertThat(dead.key()).isEqualTo(rawKey);
    assertThat(dead.value()).isEqualTo(rawValue);
    DeadLetterAssertions.assertCauseAndSource(
        dead.headers(),
        "process",
        "UNEXPECTED_ERROR",
        "java.lang.IllegalStateException",
        PipelineTopic.Names.RAW,
        3,
        77);
    assertThat(counters.deadLetteredCount()).isEqualTo(1);
  }

  @Test
  void failsInsteadOfDeadLetteringWhenTheSchemaRegistryIsDownSoTheRecordIsRetried() {
    SchemaRegistryException outage = new SchemaRegistryException("registry unreachable", 0, 0);

    assertThat(handler.handleError(context(), new Record<>("k", "v", 0L), outage).result())
        .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
    assertThat(counters.deadLetteredCount()).isZero();
  }

  private ErrorHandlerContext context() {
    return new ErrorHandlerContext() {
      @Override
      public String topic() {
        return PipelineTopic.Names.RAW;
      }

      @Override
      public int partition() {
        return 3;
      }

      @Override
      public long offset() {
        return 77;
      }

      @Override
      public Headers headers() {
        return new RecordHeaders();
      }

      @Override
      public String processorNodeId() {
        return FhirFlowTopology.MAP;
      }

      @Override
      public TaskId taskId() {
        return new TaskId(0, 3);
      }

      @Override
      public long timestamp() {
        return 1_000L;
      }

      @Override
      public byte[] sourceRawKey() {
        return rawKey;
      }

      @Override
      public byte[] sourceRawValue() {
        return rawValue;
      }
    };
  }
}
