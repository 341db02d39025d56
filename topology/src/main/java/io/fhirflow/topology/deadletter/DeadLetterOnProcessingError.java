package io.fhirflow.topology.deadletter;

import io.fhirflow.contracts.PipelineTopic;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.topology.TopologyConfig;
import io.fhirflow.topology.ops.FlowCounters;
import io.fhirflow.topology.ops.TenantFlowCounters;
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
 * The safety net for what the topology's own reject paths do not foresee (a mapper bug, a corrupt
 * state value): Kafka's processing exception handler with its dead-letter support (KIP-1034),
 * writing the original source bytes with our {@code dlq.*} headers, stage {@code process}, reason
 * {@code UNEXPECTED_ERROR}, and resuming. Expected rejects do not come through here: they are data
 * routed by the topology, cheaper than exceptions and visible in its description. Faults ({@link
 * Faults}: a state store that cannot write, Kafka or the schema registry unreachable, an interrupt)
 * are not the record's doing and fail the thread instead, which the application replaces, retrying
 * the record from the last commit.
 */
public final class DeadLetterOnProcessingError implements ProcessingExceptionHandler {

  /** Config key under which {@link FlowCounters} are passed (an object, not a string). */
  public static final String COUNTERS_CONFIG = "fhirflow.flow.counters";

  /** Config key of the raw topic's name, whose tenants' dead letters get their tenant header. */
  public static final String RAW_TOPIC_CONFIG = "fhirflow.topic.raw";

  private static final Logger log = LoggerFactory.getLogger(DeadLetterOnProcessingError.class);

  private String deadLetterTopic;
  private FlowCounters counters;
  private int sendMaxBytes;
  private String rawTopic;
  private final Clock clock = Clock.systemUTC();

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetterTopic =
        (String) configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    counters = (FlowCounters) configs.get(COUNTERS_CONFIG);
    sendMaxBytes = TopologyConfig.sendMaxBytes(configs);
    Object raw = configs.get(RAW_TOPIC_CONFIG);
    rawTopic = raw == null ? PipelineTopic.RAW.defaultName() : (String) raw;
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    // The class name only: an exception message may quote the record.
    if (deadLetterTopic == null || Faults.isFault(exception)) {
      log.warn(
          "processing failed on a fault, failing the thread to retry the record topic={} partition={} offset={} node={} error={}",
          context.topic(),
          context.partition(),
          context.offset(),
          context.processorNodeId(),
          exception.getClass().getName());
      return Response.fail();
    }
    log.warn(
        "processing failed, dead-lettering topic={} partition={} offset={} node={} error={}",
        context.topic(),
        context.partition(),
        context.offset(),
        context.processorNodeId(),
        exception.getClass().getName());
    RecordHeaders headers = new RecordHeaders(context.headers().toArray());
    DeadLetterHeaders.add(
        headers,
        DeadLetterStage.PROCESS,
        DeadLetterReasons.UNEXPECTED_ERROR,
        exception.getClass().getName(),
        context.topic(),
        context.partition(),
        context.offset(),
        clock.instant());
    DeadLetterHeaders.tenant(headers, Tenants.ofRawTopic(rawTopic, context.topic()));
    TenantFlowCounters tenant =
        counters == null
            ? null
            : counters.firstOutcome(
                counters.marksFor(context.topic(), context.partition()), context.offset());
    if (tenant != null) {
      tenant.deadLettered(DeadLetterStage.PROCESS, DeadLetterReasons.UNEXPECTED_ERROR);
    }
    DeadLetterFit.Fitted fitted =
        DeadLetterFit.fit(context.sourceRawKey(), context.sourceRawValue(), headers, sendMaxBytes);
    return Response.resume(
        List.of(
            new ProducerRecord<>(
                deadLetterTopic,
                null,
                context.timestamp(),
                fitted.key(),
                fitted.value(),
                fitted.headers())));
  }
}
