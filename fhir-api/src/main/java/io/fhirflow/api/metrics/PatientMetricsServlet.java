package io.fhirflow.api.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.api.audit.AuditRecord;
import io.fhirflow.api.security.AccessToken;
import io.fhirflow.api.security.JwtVerifier;
import io.fhirflow.api.security.TokenRejectedException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /metrics/Patient/{id}}: the Redis view of one patient as JSON. Same rules as the FHIR
 * base: bearer token (401), a scope granting Observation read (403), and a patient-confined token
 * may only ask for its own patient (404 for any other, like a missing one).
 */
public final class PatientMetricsServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final transient JwtVerifier verifier;
  private final transient RedisMetricsReader reader;
  private final transient MeterRegistry meters;

  public PatientMetricsServlet(JwtVerifier verifier, RedisMetricsReader reader, MeterRegistry meters) {
    this.verifier = verifier;
    this.reader = reader;
    this.meters = meters;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
    AuditRecord audit = (AuditRecord) req.getAttribute(AuditRecord.ATTRIBUTE);
    String id = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
    if (audit != null) {
      audit.interaction("metrics", "Patient", FHIR_ID.matcher(id).matches() ? id : null);
    }
    AccessToken token;
    try {
      token = verifier.verifyHeader(req.getHeader("Authorization"));
    } catch (TokenRejectedException e) {
      meters.counter("fhirflow.api.auth.rejected", "reason", e.reasonCode()).increment();
      res.setHeader("WWW-Authenticate", "Bearer realm=\"fhirflow\"");
      error(res, 401, "login", "Bearer token required or rejected");
      return;
    }
    if (audit != null) {
      audit.token(token);
    }
    if (!token.allows("Observation", 'r')) {
      error(res, 403, "forbidden", "The token's scopes do not allow reading Observations");
      return;
    }
    if (!FHIR_ID.matcher(id).matches() || token.confinedTo().map(p -> !p.equals(id)).orElse(false)) {
      error(res, 404, "not-found", "No metrics for this patient");
      return;
    }
    if (audit != null) {
      audit.patient(id);
    }
    Map<String, Map<String, String>> keys;
    try {
      keys = reader.patient(id);
    } catch (RuntimeException e) {
      error(res, 503, "transient", "The metrics store is unavailable; retry later");
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("patient", "Patient/" + id);
    body.put("metrics", keys);
    res.setStatus(200);
    res.setContentType("application/json");
    JSON.writeValue(res.getOutputStream(), body);
  }

  private static void error(HttpServletResponse res, int status, String code, String text) throws IOException {
    res.setStatus(status);
    res.setContentType("application/fhir+json;charset=utf-8");
    String body = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"" + code
        + "\",\"diagnostics\":\"" + text + "\"}]}";
    res.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
  }
}
