package io.fhirflow.api.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fhirflow.api.audit.AuditRecord;
import io.fhirflow.api.security.AccessToken;
import io.fhirflow.api.security.JwtVerifier;
import io.fhirflow.api.security.TokenRejectedException;
import io.fhirflow.contracts.FhirId;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /metrics/Patient/{id}[?from=yyyy-MM-dd&to=yyyy-MM-dd]}: the Redis view of one patient
 * as JSON (latest values, and per day totals or min/max/avg; default the last 7 UTC days, at most
 * 35). Same rules as the FHIR base: bearer token (401), a scope granting Observation read (403),
 * and a patient-confined token may only ask for its own patient (404 for any other, like a missing
 * one).
 *
 * <p>Only the token's tenant's keys are read ({@link io.fhirflow.contracts.RedisKeyLayout}), so a
 * patient of another tenant has no view here. A patient without any value in the view (no latest
 * value and no day in the range) is a 404 too: never seen, erased, or another tenant's, the answer
 * is the same and tells none of them apart.
 */
public final class PatientMetricsServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final JsonFactory JSON = new JsonFactory();
  static final int DEFAULT_DAYS = 7;
  static final int MAX_DAYS = 35;
  static final int FIRST_YEAR = 1;
  static final int LAST_YEAR = 9999;

  private final transient JwtVerifier verifier;
  private final transient RedisMetricsReader reader;
  private final transient MeterRegistry meters;
  private final transient Clock clock;

  public PatientMetricsServlet(
      JwtVerifier verifier, RedisMetricsReader reader, MeterRegistry meters, Clock clock) {
    this.verifier = verifier;
    this.reader = reader;
    this.meters = meters;
    this.clock = clock;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
    AuditRecord audit = (AuditRecord) req.getAttribute(AuditRecord.ATTRIBUTE);
    String id = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
    if (audit != null) {
      audit.interaction("metrics", "Patient", FhirId.isValid(id) ? id : null);
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
    if (!FhirId.isValid(id) || token.confinedTo().map(p -> !p.equals(id)).orElse(false)) {
      error(res, 404, "not-found", "No metrics for this patient");
      return;
    }
    if (audit != null) {
      audit.patient(id);
    }
    LocalDate to =
        req.getParameter("to") == null ? LocalDate.now(clock) : day(req.getParameter("to"));
    LocalDate from =
        to == null
            ? null
            : req.getParameter("from") == null
                ? to.minusDays(DEFAULT_DAYS - 1)
                : day(req.getParameter("from"));
    if (to == null || from == null) {
      error(
          res,
          400,
          "invalid",
          "from and to must be dates (yyyy-MM-dd) between years "
              + FIRST_YEAR
              + " and "
              + LAST_YEAR);
      return;
    }
    if (from.isAfter(to) || from.plusDays(MAX_DAYS).isBefore(to)) {
      error(
          res,
          400,
          "invalid",
          "from must not be after to, and at most " + MAX_DAYS + " days apart");
      return;
    }
    RedisMetricsReader.PatientView view;
    try {
      view = reader.patient(token.tenant(), id, from, to);
    } catch (RuntimeException e) {
      error(res, 503, "transient", "The metrics store is unavailable; retry later");
      return;
    }
    if (view.latest().isEmpty() && view.days().isEmpty()) {
      error(res, 404, "not-found", "No metrics for this patient");
      return;
    }
    res.setStatus(200);
    res.setContentType("application/json");
    try (JsonGenerator g = JSON.createGenerator(res.getOutputStream())) {
      g.writeStartObject();
      g.writeStringField("patient", "Patient/" + id);
      g.writeStringField("from", from.toString());
      g.writeStringField("to", to.toString());
      g.writeObjectFieldStart("latest");
      writeFields(g, view.latest());
      g.writeEndObject();
      g.writeObjectFieldStart("days");
      for (Map.Entry<LocalDate, Map<String, String>> day : view.days().entrySet()) {
        g.writeObjectFieldStart(day.getKey().toString());
        writeFields(g, day.getValue());
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeEndObject();
    }
  }

  /**
   * A calendar day of the four-digit years the view's keys can name, or null. LocalDate alone takes
   * {@code +999999999-12-31}, and the default range arithmetic on it overflowed into a 500.
   */
  private static LocalDate day(String text) {
    try {
      LocalDate d = LocalDate.parse(text);
      return d.getYear() >= FIRST_YEAR && d.getYear() <= LAST_YEAR ? d : null;
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** Each field value is the topology's JSON object; it is copied in only if it parses as one. */
  private static void writeFields(JsonGenerator g, Map<String, String> fields) throws IOException {
    for (Map.Entry<String, String> f : new TreeMap<>(fields).entrySet()) {
      if (isJsonObject(f.getValue())) {
        g.writeFieldName(f.getKey());
        g.writeRawValue(f.getValue());
      }
    }
  }

  private static boolean isJsonObject(String text) {
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  private static void error(HttpServletResponse res, int status, String code, String text)
      throws IOException {
    res.setStatus(status);
    res.setContentType("application/fhir+json;charset=utf-8");
    String body =
        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\""
            + code
            + "\",\"diagnostics\":\""
            + text
            + "\"}]}";
    res.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
  }
}
