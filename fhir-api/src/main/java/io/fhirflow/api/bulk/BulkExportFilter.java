package io.fhirflow.api.bulk;

import io.fhirflow.api.audit.AuditRecord;
import io.fhirflow.api.security.AccessToken;
import io.fhirflow.api.security.JwtVerifier;
import io.fhirflow.contracts.FhirId;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Bulk Data Access IG's endpoints under {@code /fhir}: kick-off ({@code $export}, {@code
 * Patient/$export}, {@code Patient/[id]/$export}), status ({@code bulk/status/[job]}, GET to poll,
 * DELETE to cancel) and files ({@code bulk/files/[job]/[name]}). Everything else goes on to HAPI.
 *
 * <p>A filter rather than HAPI operations: the kick-off answers 202 with headers and no body,
 * status and file requests are not FHIR interactions at all, and they need a token check that looks
 * at the job's owner, which HAPI's operation binding has no place for. The audit filter runs first,
 * so each of these requests is audited as an {@code operation} with the token and patient filled in
 * here.
 */
public final class BulkExportFilter extends HttpFilter {

  private static final long serialVersionUID = 1L;
  private static final Pattern KICK_OFF =
      Pattern.compile("/(?:(Patient)(?:/(" + FhirId.REGEX + "))?/)?\\$export");
  private static final Pattern STATUS = Pattern.compile("/bulk/status/([0-9a-f\\-]{36})");
  private static final Pattern FILE =
      Pattern.compile("/bulk/files/([0-9a-f\\-]{36})/([A-Za-z]+\\.ndjson)");

  private final transient JwtVerifier verifier;
  private final transient ExportJobs jobs;
  private final String publicBaseUrl;

  public BulkExportFilter(JwtVerifier verifier, ExportJobs jobs, String publicBaseUrl) {
    this.verifier = verifier;
    this.jobs = jobs;
    this.publicBaseUrl = publicBaseUrl;
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    String path = FilterAuth.fhirPath(req);
    Matcher kickOff = KICK_OFF.matcher(path);
    Matcher status = STATUS.matcher(path);
    Matcher file = FILE.matcher(path);
    boolean matched = kickOff.matches() || status.matches() || file.matches();
    if (!matched) {
      chain.doFilter(req, res);
      return;
    }
    Optional<AuditRecord> audit = FilterAuth.auditOf(req);
    try {
      if (kickOff.matches()) {
        String type = kickOff.group(1);
        String patient = kickOff.group(2);
        audit.ifPresent(a -> a.interaction("operation", type, patient));
        AccessToken token = FilterAuth.authenticate(verifier, req);
        kickOff(req, res, token, type, patient, audit);
      } else if (status.matches()) {
        audit.ifPresent(a -> a.interaction("operation", null, null));
        AccessToken token = FilterAuth.authenticate(verifier, req);
        status(req, res, token, status.group(1));
      } else {
        audit.ifPresent(a -> a.interaction("operation", null, null));
        AccessToken token = FilterAuth.authenticate(verifier, req);
        file(req, res, token, file.group(1), file.group(2));
      }
    } catch (BulkRequestException e) {
      FilterAuth.refuse(req, res, e);
    }
  }

  private void kickOff(
      HttpServletRequest req,
      HttpServletResponse res,
      AccessToken token,
      String type,
      String pathPatient,
      Optional<AuditRecord> audit)
      throws IOException {
    if (!"GET".equals(req.getMethod())) {
      throw new BulkRequestException(405, "not-supported", "Kick off $export with GET");
    }
    ExportLevel level =
        type == null
            ? ExportLevel.SYSTEM
            : pathPatient == null ? ExportLevel.ALL_PATIENTS : ExportLevel.ONE_PATIENT;
    if (pathPatient != null) {
      audit.ifPresent(a -> a.patient(pathPatient));
      if (token.confinedTo().isPresent() && !token.confinedTo().get().equals(pathPatient)) {
        // Another patient is answered exactly like a patient that does not exist (as reads are).
        throw new BulkRequestException(404, "not-found", "Unknown patient");
      }
    }
    String query = req.getQueryString();
    String requestUrl =
        base(req) + FilterAuth.rawFhirPath(req) + (query == null ? "" : "?" + query);
    ExportRequest request =
        ExportRequestParser.parse(
            level,
            Optional.ofNullable(pathPatient),
            req.getParameterMap(),
            req.getHeader("Prefer"),
            req.getHeader("Accept"),
            token,
            requestUrl);
    ExportJob job = jobs.submit(owner(token), request);
    res.setStatus(HttpServletResponse.SC_ACCEPTED);
    res.setHeader("Content-Location", base(req) + "/bulk/status/" + job.id());
  }

  private void status(HttpServletRequest req, HttpServletResponse res, AccessToken token, String id)
      throws IOException {
    ExportJob job =
        jobs.find(id, owner(token))
            .orElseThrow(
                () -> new BulkRequestException(404, "not-found", "Unknown or expired export"));
    switch (req.getMethod()) {
      case "DELETE" -> {
        jobs.cancel(job);
        res.setStatus(HttpServletResponse.SC_ACCEPTED);
        return;
      }
      case "GET" -> {}
      default ->
          throw new BulkRequestException(
              405, "not-supported", "GET polls an export, DELETE cancels it");
    }
    switch (job.state()) {
      case QUEUED, RUNNING -> {
        res.setStatus(HttpServletResponse.SC_ACCEPTED);
        res.setHeader("X-Progress", job.progress());
        res.setHeader("Retry-After", "2");
      }
      case COMPLETE -> {
        res.setStatus(HttpServletResponse.SC_OK);
        res.setHeader(
            "Expires",
            DateTimeFormatter.RFC_1123_DATE_TIME.format(
                job.expiresAt().orElseThrow().atOffset(ZoneOffset.UTC)));
        res.setContentType("application/json;charset=utf-8");
        res.getOutputStream()
            .write(
                ExportManifest.of(job, base(req) + "/bulk/files/" + job.id() + "/")
                    .getBytes(StandardCharsets.UTF_8));
      }
      case FAILED ->
          throw new BulkRequestException(
              500, "transient", "The export failed (database or disk); kick it off again");
      case CANCELLED ->
          throw new BulkRequestException(404, "not-found", "Unknown or expired export");
      default -> throw new IllegalStateException();
    }
  }

  private void file(
      HttpServletRequest req, HttpServletResponse res, AccessToken token, String id, String name)
      throws IOException {
    if (!"GET".equals(req.getMethod())) {
      throw new BulkRequestException(405, "not-supported", "Files are fetched with GET");
    }
    ExportJob job =
        jobs.find(id, owner(token))
            .filter(j -> j.state() == ExportJob.State.COMPLETE)
            .orElseThrow(
                () -> new BulkRequestException(404, "not-found", "Unknown or expired export"));
    Optional<ExportJob.OutputFile> entry =
        job.files().stream().filter(f -> f.fileName().equals(name)).findFirst();
    if (entry.isEmpty()) {
      throw new BulkRequestException(404, "not-found", "No such file in this export");
    }
    Path path = job.directory().resolve(name);
    java.io.InputStream in;
    try {
      in = Files.newInputStream(path);
    } catch (NoSuchFileException e) {
      // Expired and reaped between the lookup and the open.
      throw new BulkRequestException(404, "not-found", "Unknown or expired export");
    }
    try (in;
        OutputStream out = res.getOutputStream()) {
      res.setStatus(HttpServletResponse.SC_OK);
      res.setContentType("application/fhir+ndjson");
      res.setContentLengthLong(entry.get().bytes());
      in.transferTo(out);
    }
  }

  /** Jobs are visible only to the same issuer, subject and patient claim that started them. */
  private static String owner(AccessToken token) {
    return token.issuer() + "|" + token.subject() + "|" + token.confinedTo().orElse("");
  }

  private String base(HttpServletRequest req) {
    if (!publicBaseUrl.isBlank()) {
      return publicBaseUrl.endsWith("/")
          ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
          : publicBaseUrl;
    }
    String url = req.getRequestURL().toString();
    return url.substring(0, url.indexOf("/fhir", url.indexOf("//") + 2) + "/fhir".length());
  }
}
