package io.fhirflow.topology.deadletter;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;

/**
 * The topology's pinned production exception handler: a record Kafka cannot take is never skipped.
 * A retriable error is retried, any other fails the stream thread (the transaction aborts, the
 * thread is replaced and the input retried from the last commit). Unlike Kafka's default handler it
 * builds no dead letters of its own: the topology checks sizes before sending (OUTPUT_TOO_LARGE,
 * truncated dead letters), so what still fails here is a fault, not bad data.
 */
public final class FailOnProductionError implements ProductionExceptionHandler {

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    return exception instanceof RetriableException ? Response.retry() : Response.fail();
  }

  @Override
  public Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    return Response.fail();
  }

  @Override
  public void configure(Map<String, ?> configs) {
    // Nothing to configure.
  }
}
