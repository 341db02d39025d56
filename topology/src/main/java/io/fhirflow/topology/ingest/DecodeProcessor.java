package io.fhirflow.topology.ingest;

import io.fhirflow.schema.WearableSample;
import io.fhirflow.serde.BadRecordException;
import io.fhirflow.serde.SchemaRegistryException;
import io.fhirflow.topology.TenantOfTopic;
import io.fhirflow.topology.deadletter.DeadLetterReasons;
import io.fhirflow.topology.deadletter.DeadLetterStage;
import io.fhirflow.topology.deadletter.Faults;
import io.fhirflow.topology.deadletter.Rejected;
import io.fhirflow.topology.ops.FlowCounters;
import io.fhirflow.topology.ops.SourceMarks;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns raw bytes into a {@link WearableSample}. The source consumes bytes and decodes here, not in
 * a deserializer, so an undecodable record is data like any other reject: it keeps its original
 * bytes, gets a typed reason and goes to the same dead-letter branch as the catalogue's rejects.
 */
public final class DecodeProcessor extends ContextualProcessor<byte[], byte[], Object, Object> {

  private final Deserializer<WearableSample> deserializer;
  private final int maxBytes;
  private final FlowCounters counters;
  private final SourceMarks source;
  private final String accepted;
  private final String rejected;
  private final TenantOfTopic tenants;

  public DecodeProcessor(
      String rawTopic,
      Deserializer<WearableSample> deserializer,
      int maxBytes,
      FlowCounters counters,
      String accepted,
      String rejected) {
    this.deserializer = deserializer;
    this.maxBytes = maxBytes;
    this.counters = counters;
    this.source = new SourceMarks(counters);
    this.accepted = accepted;
    this.rejected = rejected;
    this.tenants = new TenantOfTopic(rawTopic);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    source.in(context().recordMetadata().orElseThrow());
    byte[] key = record.key();
    byte[] value = record.value();
    if (key == null) {
      reject(record, DeadLetterReasons.NULL_KEY, "NullKey");
    } else if (value == null) {
      reject(record, DeadLetterReasons.NULL_VALUE, "NullValue");
    } else if (value.length > maxBytes) {
      reject(record, DeadLetterReasons.OVERSIZED, "OversizedRecord");
    } else {
      decode(record);
    }
  }

  private void decode(Record<byte[], byte[]> record) {
    String topic = context().recordMetadata().map(m -> m.topic()).orElse(null);
    WearableSample sample;
    try {
      sample = deserializer.deserialize(topic, record.headers(), record.value());
    } catch (BadRecordException e) {
      reject(record, DeadLetterReasons.of(e), e.getClass().getSimpleName());
      return;
    } catch (SchemaRegistryException e) {
      // The registry is down, not the record bad: fail so the thread is replaced and the record
      // retried from the last commit, never dead-lettered.
      throw e;
    } catch (RuntimeException e) {
      if (Faults.isFault(e)) {
        // An interrupt while the registry was asked (Kafka's InterruptException), a store, Kafka:
        // retry, never dead-letter.
        throw e;
      }
      // Avro can surface a truncated or garbled body as a plain runtime exception.
      reject(record, DeadLetterReasons.CORRUPT_BODY, e.getClass().getSimpleName());
      return;
    }
    // The source subscribes to the raw topics' pattern only, so every topic here names a tenant.
    String tenant = tenants.of(topic);
    context()
        .forward(
            record.withValue(new Inbound(tenant, record.key(), record.value(), sample)), accepted);
  }

  private void reject(Record<byte[], byte[]> record, String reason, String errorClass) {
    context()
        .forward(
            record.withValue(
                new Rejected(
                    record.key(), record.value(), DeadLetterStage.DESERIALIZE, reason, errorClass)),
            rejected);
  }

  @Override
  public void close() {
    // The deserializer is shared by all tasks and closed by the application, not per task.
  }
}
