package io.fhirflow.api.audit;

/** Where finished requests' audit records go. */
public interface AuditSink extends AutoCloseable {

  /** Hands the record over without blocking the request; failures show in {@link #healthy()}. */
  void publish(AuditRecord record);

  /** False while recent audit events could not be delivered. */
  boolean healthy();

  @Override
  void close();
}
