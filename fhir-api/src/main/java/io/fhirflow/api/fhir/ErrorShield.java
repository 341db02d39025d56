package io.fhirflow.api.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import io.fhirflow.api.audit.AuditRecord;
import io.fhirflow.api.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces every unexpected exception with a plain OperationOutcome naming only the request id, so no
 * stack trace, SQL text or driver message (which can quote stored values) reaches a client. The log
 * line carries the exception class and request id only.
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
    Throwable root = error;
    // HAPI wraps what a provider throws; the cause says what really happened.
    while (root.getCause() != null && root.getCause() != root) {
      if (root instanceof StoreUnavailableException || root instanceof DataFormatException) {
        break;
      }
      root = root.getCause();
    }
    if (root instanceof StoreUnavailableException store) {
      LOG.warn("store unavailable requestId={} sqlstate={}", requestId, store.sqlState());
      return new UnclassifiedServerFailureException(503, "The data store is unavailable; retry later (request " + requestId + ")");
    }
    if (root instanceof DataFormatException) {
      // HAPI's parameter binding reports an unparseable value (e.g. date=yesterday) this way.
      return new InvalidRequestException("A search parameter value has an invalid format");
    }
    LOG.error("request failed requestId={} error={}", requestId, root.getClass().getName());
    return new InternalErrorException("Internal error (request " + requestId + ")");
  }
}
