package io.fhirflow.api.audit;

import io.fhirflow.api.store.RequestTenant;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;

/**
 * Wraps every API request (FHIR and patient metrics): opens its {@link AuditRecord}, lets the
 * request run, then publishes the record with the final status, whatever happened in between. With
 * fail-closed auditing, data requests are refused with 503 while the sink is down; the refusal is
 * itself audited.
 */
public final class AuditFilter extends HttpFilter {

  private static final byte[] AUDIT_DOWN =
      ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
              + "\"code\":\"transient\",\"diagnostics\":\"Audit log unavailable; request refused. Retry later.\"}]}")
          .getBytes(StandardCharsets.UTF_8);

  private final AuditSink sink;
  private final boolean failClosed;
  private final Clock clock;

  public AuditFilter(AuditSink sink, boolean failClosed, Clock clock) {
    this.sink = sink;
    this.failClosed = failClosed;
    this.clock = clock;
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    AuditRecord record =
        new AuditRecord(UUID.randomUUID().toString(), clock.instant(), req.getRemoteAddr());
    req.setAttribute(AuditRecord.ATTRIBUTE, record);
    res.setHeader("X-Request-Id", record.requestId());
    boolean escaped = false;
    // The tenant is set once the token is verified; a worker thread never keeps a previous one.
    RequestTenant.clear();
    try {
      if (failClosed && !sink.healthy() && !isCapabilityStatement(req)) {
        res.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        res.setContentType("application/fhir+json;charset=utf-8");
        res.getOutputStream().write(AUDIT_DOWN);
        return;
      }
      chain.doFilter(req, res);
    } catch (IOException | ServletException | RuntimeException e) {
      escaped = true;
      throw e;
    } finally {
      RequestTenant.clear();
      record.status(escaped ? HttpServletResponse.SC_INTERNAL_SERVER_ERROR : res.getStatus());
      parameterNames(req, res, record);
      sink.publish(record);
    }
  }

  /**
   * Only the CapabilityStatement ({@code GET /fhir/metadata}, exactly) is served while the audit
   * log is down: it holds no patient data and clients need it to discover the server. A path that
   * merely ends in {@code /metadata} ({@code /fhir/Patient/metadata} reads a Patient with that id)
   * is data.
   */
  static boolean isCapabilityStatement(HttpServletRequest req) {
    return "GET".equals(req.getMethod())
        && "/fhir".equals(req.getServletPath())
        && "/metadata".equals(req.getPathInfo());
  }

  /**
   * The names only, unless the handler recorded them already; a body the container refused to parse
   * (too large) leaves them out rather than failing the audit. A body already refused with 413 is
   * not read at all: reading it would ask a client that sent {@code Expect: 100-continue} for the
   * upload the server has just refused.
   */
  private static void parameterNames(
      HttpServletRequest req, HttpServletResponse res, AuditRecord record) {
    if (record.parameterNamesRead()) {
      return;
    }
    if (res.getStatus() == HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE) {
      record.parameterNames().add("(unreadable)");
      return;
    }
    try {
      req.getParameterMap().keySet().forEach(record.parameterNames()::add);
    } catch (RuntimeException e) {
      record.parameterNames().add("(unreadable)");
    }
  }
}
