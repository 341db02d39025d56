package io.fhirflow.serde;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that cannot be serialized or deserialized because of its own content, not because of an
 * infrastructure failure: the caller should dead-letter it with {@link #reasonCode()} and go on.
 *
 * <p>The message names the topic, and the partition and offset once a caller that knows them has
 * attached them with {@link #at(int, long)}. It never contains payload bytes or field values, so it
 * is safe to log. Registry outages are reported as {@link SchemaRegistryException} instead, which
 * is not a {@code BadRecordException}: such records must be retried, never dead-lettered.
 *
 * <p>Where the coordinates come from: in a Kafka Streams {@code DeserializationExceptionHandler},
 * call {@code bad.at(context.partition(), context.offset())}; a plain consumer loop receives these
 * wrapped in Kafka's {@code RecordDeserializationException}, see {@link
 * #in(RecordDeserializationException)}.
 */
public abstract sealed class BadRecordException extends SerializationException
    permits NotWireFormatException,
        UnknownSchemaIdException,
        CorruptBodyException,
        IncompatibleSchemaException {

  private final String topic;
  private final String reason;
  private final String problem;
  private volatile int partition = -1;
  private volatile long offset = -1;

  /**
   * @param reason the subclass's {@code REASON}: the {@link #reasonCode()} of all its instances
   */
  protected BadRecordException(String topic, String reason, String problem) {
    super(problem);
    this.topic = topic;
    this.reason = reason;
    this.problem = problem;
  }

  /**
   * A stable, machine-readable reason, e.g. {@code NOT_WIRE_FORMAT}; used as the dead-letter reason
   * header.
   */
  public final String reasonCode() {
    return reason;
  }

  /** The topic the record came from or was going to. */
  public String topic() {
    return topic;
  }

  public OptionalInt partition() {
    return partition < 0 ? OptionalInt.empty() : OptionalInt.of(partition);
  }

  public OptionalLong offset() {
    return offset < 0 ? OptionalLong.empty() : OptionalLong.of(offset);
  }

  /**
   * Attaches the record's coordinates, which the deserializer itself does not know, so that the
   * message names them. Returns this exception, for {@code throw e.at(p, o)}.
   */
  public BadRecordException at(int partition, long offset) {
    this.partition = partition;
    this.offset = offset;
    return this;
  }

  /**
   * The bad record inside a consumer's {@code RecordDeserializationException}, with the partition
   * and offset attached; empty when the cause is something else (e.g. the registry is down), which
   * the loop should treat as a failure, not skip. After dead-lettering, seek past {@code
   * e.offset()} to go on.
   */
  public static Optional<BadRecordException> in(RecordDeserializationException e) {
    return e.getCause() instanceof BadRecordException bad
        ? Optional.of(bad.at(e.topicPartition().partition(), e.offset()))
        : Optional.empty();
  }

  @Override
  public String getMessage() {
    StringBuilder m = new StringBuilder(problem).append(" [topic=").append(topic);
    if (partition >= 0) {
      m.append(", partition=").append(partition);
    }
    if (offset >= 0) {
      m.append(", offset=").append(offset);
    }
    return m.append(", reason=").append(reasonCode()).append(']').toString();
  }
}
