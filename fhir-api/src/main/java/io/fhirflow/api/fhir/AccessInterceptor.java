package io.fhirflow.api.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import io.fhirflow.api.audit.AuditRecord;
import io.fhirflow.api.security.AccessToken;
import io.fhirflow.api.security.JwtVerifier;
import io.fhirflow.api.security.TokenRejectedException;
import io.fhirflow.api.store.RequestTenant;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may do what, decided once HAPI knows the interaction: no or bad bearer token → 401, a scope
 * that does not grant read/search on the resource type → 403. The verified token is left on the
 * request for the providers, which confine every query to its patient. {@code /metadata} is public.
 */
@Interceptor
public final class AccessInterceptor {

  private static final Logger LOG = LoggerFactory.getLogger(AccessInterceptor.class);
  private static final String TOKEN_KEY = "io.fhirflow.api.token";

  private final JwtVerifier verifier;
  private final MeterRegistry meters;

  public AccessInterceptor(JwtVerifier verifier, MeterRegistry meters) {
    this.verifier = verifier;
    this.meters = meters;
  }

  /** The token {@link #authorize} accepted for this request. */
  public static AccessToken tokenOf(RequestDetails request) {
    Object t = request.getUserData().get(TOKEN_KEY);
    if (t == null) {
      throw new IllegalStateException("request reached a provider without a verified token");
    }
    return (AccessToken) t;
  }

  /** The patient this request is confined to, if its token names one. */
  public static Optional<String> confinementOf(RequestDetails request) {
    return tokenOf(request).confinedTo();
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void authorize(RequestDetails request, RestOperationTypeEnum operation) {
    Optional<AuditRecord> audit = auditOf(request);
    String type = request.getResourceName();
    String id = request.getId() == null ? null : request.getId().getIdPart();
    audit.ifPresent(a -> a.interaction(interactionCode(operation), type, id));
    if (operation == RestOperationTypeEnum.METADATA) {
      return;
    }
    AccessToken token;
    try {
      token = verifier.verifyHeader(request.getHeader("Authorization"));
    } catch (TokenRejectedException e) {
      meters.counter("fhirflow.api.auth.rejected", "reason", e.reasonCode()).increment();
      LOG.info("token rejected reason={}", e.reasonCode());
      AuthenticationException unauthenticated =
          new AuthenticationException(
              e.reason() == TokenRejectedException.Reason.MISSING
                  ? "Bearer token required"
                  : "Bearer token rejected");
      unauthenticated.addResponseHeader(
          "WWW-Authenticate",
          e.reason() == TokenRejectedException.Reason.MISSING
              ? "Bearer realm=\"fhirflow\""
              : "Bearer realm=\"fhirflow\", error=\"invalid_token\"");
      throw unauthenticated;
    }
    audit.ifPresent(a -> a.token(token));
    request.getUserData().put(TOKEN_KEY, token);
    RequestTenant.set(token.tenant());
    char permission =
        switch (operation) {
          case READ, VREAD -> 'r';
          case SEARCH_TYPE, EXTENDED_OPERATION_TYPE -> 's';
          default -> '-';
        };
    if (type == null || permission == '-' || !token.allows(type, permission)) {
      meters.counter("fhirflow.api.auth.forbidden").increment();
      throw new ForbiddenOperationException("The token's scopes do not allow this interaction");
    }
  }

  static Optional<AuditRecord> auditOf(RequestDetails request) {
    if (request instanceof ServletRequestDetails s) {
      return Optional.ofNullable(
          (AuditRecord) s.getServletRequest().getAttribute(AuditRecord.ATTRIBUTE));
    }
    return Optional.empty();
  }

  private static String interactionCode(RestOperationTypeEnum operation) {
    return switch (operation) {
      case READ -> "read";
      case VREAD -> "vread";
      case SEARCH_TYPE -> "search-type";
      case SEARCH_SYSTEM -> "search-system";
      case EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_INSTANCE, EXTENDED_OPERATION_SERVER ->
          "operation";
      case METADATA -> "capabilities";
      case HISTORY_INSTANCE, HISTORY_TYPE, HISTORY_SYSTEM -> "history";
      default -> operation.getCode() == null ? "unknown" : operation.getCode();
    };
  }
}
