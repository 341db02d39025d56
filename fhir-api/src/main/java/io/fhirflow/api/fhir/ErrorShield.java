package io.fhirflow.api.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import io.fhirflow.api.audit.AuditRecord;
import io.fhirflow.api.store.StoreUnavailableException;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces every unexpected exception with a plain OperationOutcome naming only the request id, so
 * no stack trace, SQL text or driver message (which can quote stored values) reaches a client. The
 * log line carries the exception class and request id only.
 */
@Interceptor
public final class ErrorShield {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorShield.class);

  @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
  public BaseServerResponseException shield(RequestDetails request, Throwable error) {
    String requestId = AccessInterceptor.auditOf(request).map(AuditRecord::requestId).orElse("-");
    if (error instanceof BaseServerResponseException known && known.getStatusCode() < 500) {
      return known;
    }
    // HAPI wraps what a provider (or the container, reading a form body) throws; a cause says what
    // really happened.
    for (Throwable cause = error;
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof StoreUnavailableException store) {
        LOG.warn("store unavailable requestId={} sqlstate={}", requestId, store.sqlState());
        return new UnclassifiedServerFailureException(
            503, "The data store is unavailable; retry later (request " + requestId + ")");
      }
      if (cause instanceof UnreadableStoredResourceException unreadable) {
        LOG.error(
            "stored resource unreadable requestId={} type={}",
            requestId,
            unreadable.resourceType());
        LOG.debug("unreadable stored resource requestId={} id={}", requestId, unreadable.id());
        return new InternalErrorException("Internal error (request " + requestId + ")");
      }
      if (cause instanceof DataFormatException) {
        // HAPI's parameter binding reports an unparseable value (e.g. date=yesterday) this way.
        return new InvalidRequestException("A search parameter value has an invalid format");
      }
      if (cause instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
        // Jetty refusing the request itself, e.g. a form body over its size or key limit.
        LOG.info(
            "request refused by the container requestId={} status={}", requestId, http.getCode());
        return http.getCode() == 413
            ? new PayloadTooLargeException("The request body is too large")
            : new UnclassifiedServerFailureException(
                http.getCode(), "The request could not be read (HTTP " + http.getCode() + ")");
      }
    }
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    LOG.error("request failed requestId={} error={}", requestId, root.getClass().getName());
    return new InternalErrorException("Internal error (request " + requestId + ")");
  }
}
