package io.fhirflow.topology.deadletter;

import io.fhirflow.topology.TenantOfTopic;
import io.fhirflow.topology.ops.FlowCounters;
import io.fhirflow.topology.ops.SourceMarks;
import io.fhirflow.topology.ops.TenantFlowCounters;
import java.time.Clock;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link Rejected} back into the record as it was consumed, original key and value bytes
 * and headers, plus the {@code dlq.*} headers saying where and why it was turned away; truncated
 * ({@link DeadLetterFit}) when that would be larger than the producer may send.
 */
public final class DeadLetterProcessor
    extends ContextualProcessor<Object, Rejected, byte[], byte[]> {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessor.class);

  private final Clock clock;
  private final FlowCounters counters;
  private final SourceMarks marks;
  private final int sendMaxBytes;
  private final TenantOfTopic tenants;

  public DeadLetterProcessor(
      String rawTopic, Clock clock, FlowCounters counters, int sendMaxBytes) {
    this.tenants = new TenantOfTopic(rawTopic);
    this.clock = clock;
    this.counters = counters;
    this.marks = new SourceMarks(counters);
    this.sendMaxBytes = sendMaxBytes;
  }

  @Override
  public void process(Record<Object, Rejected> record) {
    Rejected r = record.value();
    // Every rejected record comes from the source topic, so its coordinates are always there.
    RecordMetadata source = context().recordMetadata().orElseThrow();
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    DeadLetterHeaders.add(
        headers,
        r.stage(),
        r.reason(),
        r.errorClass(),
        source.topic(),
        source.partition(),
        source.offset(),
        clock.instant());
    DeadLetterHeaders.tenant(headers, tenants.of(source.topic()));
    TenantFlowCounters tenant = marks.firstOutcome(source);
    if (tenant != null) {
      tenant.deadLettered(r.stage(), r.reason());
    }
    log.debug(
        "sample rejected topic={} partition={} offset={} stage={} reason={}",
        source.topic(),
        source.partition(),
        source.offset(),
        r.stage().code(),
        r.reason());
    // Too large to publish whole (the raw topic may hold more than we may send): truncated, never
    // stuck.
    DeadLetterFit.Fitted fitted =
        DeadLetterFit.fit(r.rawKey(), r.rawValue(), headers, sendMaxBytes);
    context()
        .forward(new Record<>(fitted.key(), fitted.value(), record.timestamp(), fitted.headers()));
  }
}
