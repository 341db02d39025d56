package io.fhirflow.api.bulk;

import io.fhirflow.api.audit.AuditRecord;
import io.fhirflow.api.security.AccessToken;
import io.fhirflow.api.security.JwtVerifier;
import io.fhirflow.api.security.TokenRejectedException;
import io.fhirflow.api.store.RequestTenant;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Bearer-token checks and refusals for the analytics endpoints that answer outside HAPI (bulk
 * export, view runs): the same verifier and the same 401 shape as HAPI's access interceptor, with
 * the verified token recorded on the request's audit record.
 */
public final class FilterAuth {

  private FilterAuth() {}

  /** The request's path below {@code /fhir}, decoded: what the filters match their paths on. */
  public static String fhirPath(HttpServletRequest req) {
    return URLDecoder.decode(rawFhirPath(req), StandardCharsets.UTF_8);
  }

  /** The request's path below {@code /fhir} as sent (still encoded). */
  public static String rawFhirPath(HttpServletRequest req) {
    return req.getRequestURI().substring(req.getContextPath().length() + "/fhir".length());
  }

  public static Optional<AuditRecord> auditOf(HttpServletRequest req) {
    return Optional.ofNullable((AuditRecord) req.getAttribute(AuditRecord.ATTRIBUTE));
  }

  public static AccessToken authenticate(JwtVerifier verifier, HttpServletRequest req) {
    try {
      AccessToken token = verifier.verifyHeader(req.getHeader("Authorization"));
      auditOf(req).ifPresent(a -> a.token(token));
      RequestTenant.set(token.tenant());
      return token;
    } catch (TokenRejectedException e) {
      throw new BulkRequestException(
          401,
          "login",
          e.reason() == TokenRejectedException.Reason.MISSING
              ? "Bearer token required"
              : "Bearer token rejected");
    }
  }

  /** Answers with the refusal as an OperationOutcome (and the headers its status calls for). */
  public static void refuse(HttpServletRequest req, HttpServletResponse res, BulkRequestException e)
      throws IOException {
    if (res.isCommitted()) {
      throw new IOException("response already started", e);
    }
    res.reset();
    // reset() drops every header, including the request id the audit filter set.
    auditOf(req).ifPresent(a -> res.setHeader("X-Request-Id", a.requestId()));
    if (e.status() == 401) {
      res.setHeader("WWW-Authenticate", "Bearer realm=\"fhirflow\"");
    }
    if (e.status() == 429) {
      res.setHeader("Retry-After", "30");
    }
    OperationOutcomes.send(res, e.status(), e.code(), e.getMessage());
  }
}
