package io.fhirflow.topology;

import io.fhirflow.serde.SchemaRegistryException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety net for what the topology's own reject paths do not foresee (a mapper bug, a
 * corrupt state value): Kafka's processing exception handler with its dead-letter support
 * (KIP-1034), writing the original source bytes with our {@code dlq.*} headers, stage {@code
 * process}, reason {@code UNEXPECTED_ERROR}, and resuming. Expected rejects do not come through
 * here: they are data routed by the topology, cheaper than exceptions and visible in its
 * description. Infrastructure failures (the schema registry unreachable) are not the record's
 * fault and fail the thread instead, which the application replaces, retrying the record.
 */
public final class DeadLetterOnProcessingError implements ProcessingExceptionHandler {

  /** Config key under which {@link FlowCounters} are passed (an object, not a string). */
  public static final String COUNTERS_CONFIG = "fhirflow.flow.counters";

  private static final Logger log = LoggerFactory.getLogger(DeadLetterOnProcessingError.class);

  private String deadLetterTopic;
  private FlowCounters counters;
  private final Clock clock = Clock.systemUTC();

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetterTopic = (String) configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    counters = (FlowCounters) configs.get(COUNTERS_CONFIG);
  }

  /**
   * A registry outage says nothing about the record: fail, so the thread is replaced and the
   * record retried from the last commit instead of being dead-lettered.
   */
  private static boolean isInfrastructure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    // The class name only: an exception message may quote the record.
    log.warn("processing failed, dead-lettering topic={} partition={} offset={} node={} error={}",
        context.topic(), context.partition(), context.offset(), context.processorNodeId(), exception.getClass().getName());
    if (deadLetterTopic == null || isInfrastructure(exception)) {
      return Response.fail();
    }
    RecordHeaders headers = new RecordHeaders(context.headers().toArray());
    DeadLetterHeaders.add(headers, DeadLetterStage.PROCESS, DeadLetterReasons.UNEXPECTED_ERROR, exception.getClass().getName(),
        context.topic(), context.partition(), context.offset(), clock.instant());
    if (counters != null) {
      counters.deadLettered(DeadLetterStage.PROCESS, DeadLetterReasons.UNEXPECTED_ERROR);
    }
    return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic, null, context.timestamp(), context.sourceRawKey(), context.sourceRawValue(), headers)));
  }
}
