package io.fhirflow.topology.deadletter;

import io.fhirflow.serde.SchemaRegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Tells a fault of the machinery from a problem of the record. A fault (a state store that cannot
 * read or write, as on a full disk; Kafka or the schema registry unreachable; an interrupt) says
 * nothing about the record: it must fail the stream thread, which the application replaces, so the
 * record is retried from the last commit and never dead-lettered. Everything else thrown while
 * processing a record comes from code that read the record's content and is the record's problem.
 *
 * <p>Every Kafka and Kafka Streams error is a {@link KafkaException} (a store's {@code
 * ProcessorStateException}, an {@code InvalidStateStoreException}, a producer's error surfacing on
 * the next send, a timeout); the topology's own code never throws one for bad data, except the
 * serde's {@link SerializationException}s, which the decode step turns into typed rejects before
 * they could get here. RocksDB's own exception is checked and always arrives wrapped in one.
 */
public final class Faults {

  private Faults() {}

  /**
   * True when {@code e}, or anything that caused it, is a fault rather than bad data; also while
   * this thread is interrupted.
   */
  public static boolean isFault(Throwable e) {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryException
          || t instanceof InterruptedException
          || t instanceof IOException
          || t instanceof UncheckedIOException
          || (t instanceof KafkaException && !(t instanceof SerializationException))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
