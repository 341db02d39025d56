package io.fhirflow.api.view;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fhirflow.api.audit.AuditRecord;
import io.fhirflow.api.bulk.BulkRequestException;
import io.fhirflow.api.bulk.ExportRequestParser;
import io.fhirflow.api.bulk.FilterAuth;
import io.fhirflow.api.bulk.LongReads;
import io.fhirflow.api.security.AccessToken;
import io.fhirflow.api.security.JwtVerifier;
import io.fhirflow.api.store.StoreUnavailableException;
import io.fhirflow.contracts.FhirId;
import io.fhirflow.views.ShippedViews;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQL on FHIR v2 {@code $run} (also {@code $viewdefinition-run}) under {@code /fhir}: {@code POST
 * ViewDefinition/$run} with a Parameters body (inline {@code viewResource} or {@code
 * viewReference}), {@code GET|POST ViewDefinition/[id]/$run} for a shipped view, and {@code GET
 * ViewDefinition/[id]} to read one. Rows stream out as they are produced (json, ndjson, csv).
 * Resources come from the store, confined like every read (a token's patient claim, else the {@code
 * patient} parameter), or from inline {@code resource} parameters.
 *
 * <p>A filter for the same reasons as the bulk endpoints: the answer is not a FHIR resource, and
 * the view resource type is not one HAPI's R4 model knows. Audited as an {@code operation} on
 * ViewDefinition.
 */
public final class ViewRunFilter extends HttpFilter {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ViewRunFilter.class);
  private static final Pattern RUN =
      Pattern.compile("/ViewDefinition(?:/(" + FhirId.REGEX + "))?/\\$(?:run|viewdefinition-run)");
  private static final Pattern READ = Pattern.compile("/ViewDefinition/(" + FhirId.REGEX + ")");

  /**
   * Decimals read as BigDecimal, kept digit for digit: an inline resource is parsed here and handed
   * to HAPI as text again, and FHIR decimals carry their precision (1.50 is not 1.5; lowBoundary()
   * of 1.0 is 0.95, of 1 it is 0.5), which a double or a normalised BigDecimal would lose.
   */
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  private static final int MAX_BODY = 32 * 1024 * 1024;

  private final transient JwtVerifier verifier;
  private final transient FhirContext context;
  private final transient ViewEvaluator evaluator;
  private final transient ShippedViews shipped;
  private final transient StoreScan store;

  public ViewRunFilter(JwtVerifier verifier, FhirContext context, LongReads reads) {
    this.verifier = verifier;
    this.context = context;
    this.evaluator = new ViewEvaluator(context);
    this.shipped = new ShippedViews();
    this.store = new StoreScan(reads);
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    String path = FilterAuth.fhirPath(req);
    Matcher run = RUN.matcher(path);
    Matcher read = READ.matcher(path);
    if (!run.matches() && !read.matches()) {
      chain.doFilter(req, res);
      return;
    }
    Optional<AuditRecord> audit = FilterAuth.auditOf(req);
    String id = run.matches() ? run.group(1) : read.group(1);
    audit.ifPresent(a -> a.interaction(run.matches() ? "operation" : "read", "ViewDefinition", id));
    try {
      AccessToken token = FilterAuth.authenticate(verifier, req);
      if (read.matches()) {
        if (!"GET".equals(req.getMethod())) {
          throw new BulkRequestException(
              405, "not-supported", "Shipped ViewDefinitions are read-only");
        }
        JsonNode view =
            shipped
                .find(id)
                .orElseThrow(
                    () -> new BulkRequestException(404, "not-found", "Unknown ViewDefinition"));
        res.setContentType("application/fhir+json;charset=utf-8");
        res.getOutputStream().write(JSON.writeValueAsBytes(view));
        return;
      }
      run(req, res, token, Optional.ofNullable(id), audit);
    } catch (BulkRequestException e) {
      FilterAuth.refuse(req, res, e);
    } catch (ViewDefinitionException e) {
      FilterAuth.refuse(req, res, new BulkRequestException(400, "invalid", e.getMessage()));
    } catch (StoreUnavailableException e) {
      LOG.warn("view run store unavailable sqlstate={}", e.sqlState());
      FilterAuth.refuse(
          req,
          res,
          new BulkRequestException(503, "transient", "The data store is unavailable; retry later"));
    }
  }

  private void run(
      HttpServletRequest req,
      HttpServletResponse res,
      AccessToken token,
      Optional<String> instance,
      Optional<AuditRecord> audit)
      throws IOException {
    ViewRunRequest request =
        switch (req.getMethod()) {
          case "GET" -> ViewRunRequest.fromQuery(req.getParameterMap());
          case "POST" -> ViewRunRequest.fromParameters(body(req));
          default -> throw new BulkRequestException(405, "not-supported", "$run takes GET or POST");
        };
    JsonNode viewJson = view(request, instance);
    CompiledView view = evaluator.compiler().compile(viewJson);
    RowWriter.Format format = request.format().orElseGet(() -> accepted(req.getHeader("Accept")));
    Optional<String> patient =
        token.confinedTo().isPresent() ? token.confinedTo() : request.patient();
    patient.ifPresent(p -> audit.ifPresent(a -> a.patient(p)));
    boolean otherPatient =
        token.confinedTo().isPresent()
            && request.patient().isPresent()
            && !request.patient().equals(token.confinedTo());
    if (request.resources().isEmpty()) {
      if (!ExportRequestParser.SUPPORTED_TYPES.contains(view.resourceType())) {
        throw new BulkRequestException(
            400,
            "not-supported",
            "This store holds "
                + String.join(", ", ExportRequestParser.SUPPORTED_TYPES)
                + "; pass other resources inline as resource parameters");
      }
      if (!token.allows(view.resourceType(), 'r')) {
        throw new BulkRequestException(
            403, "forbidden", "The token's scopes do not allow reading " + view.resourceType());
      }
    }
    res.setStatus(HttpServletResponse.SC_OK);
    res.setContentType(
        format.mediaType()
            + (format == RowWriter.Format.CSV
                ? ";charset=utf-8;header=" + (request.header() ? "present" : "absent")
                : ""));
    IParser parser = context.newJsonParser();
    int limit = request.limit().orElse(Integer.MAX_VALUE);
    AtomicInteger written = new AtomicInteger();
    try (RowWriter out =
        RowWriter.create(format, view.columns(), res.getOutputStream(), request.header())) {
      StoreScan.RowConsumer consumer =
          json -> {
            Resource resource = parse(parser, json);
            for (Object[] row : evaluator.rows(view, resource)) {
              if (written.get() >= limit) {
                return false;
              }
              out.write(row);
              written.incrementAndGet();
            }
            return written.get() < limit;
          };
      if (!request.resources().isEmpty()) {
        for (JsonNode r : request.resources()) {
          if (!consumer.accept(JSON.writeValueAsBytes(r))) {
            break;
          }
        }
      } else if (!otherPatient) {
        store.scan(view.resourceType(), patient, request.since(), consumer);
      }
    } catch (ViewDefinitionException | StoreUnavailableException e) {
      if (res.isCommitted()) {
        // Rows already went out: the only honest signal left is an aborted response.
        LOG.warn(
            "view run failed after the response started error={}", e.getClass().getSimpleName());
        throw new IOException("view run aborted", e);
      }
      throw e;
    }
  }

  private JsonNode view(ViewRunRequest request, Optional<String> instance) {
    if (instance.isPresent()) {
      if (request.viewResource().isPresent() || request.viewReference().isPresent()) {
        throw new BulkRequestException(
            400, "invalid", "An instance-level $run takes its view from the path");
      }
      return shipped
          .find(instance.get())
          .orElseThrow(() -> new BulkRequestException(404, "not-found", "Unknown ViewDefinition"));
    }
    if (request.viewResource().isPresent()) {
      return request.viewResource().get();
    }
    if (request.viewReference().isPresent()) {
      return shipped
          .find(request.viewReference().get())
          .orElseThrow(
              () ->
                  new BulkRequestException(
                      404, "not-found", "viewReference names no ViewDefinition on this server"));
    }
    throw new BulkRequestException(400, "invalid", "Give a viewResource or a viewReference");
  }

  private static RowWriter.Format accepted(String accept) {
    if (accept != null) {
      for (String part : accept.split(",")) {
        RowWriter.Format f = RowWriter.Format.parse(part.split(";")[0]);
        if (f != null) {
          return f;
        }
      }
    }
    return RowWriter.Format.JSON;
  }

  private static Resource parse(IParser parser, byte[] json) {
    try {
      return (Resource)
          parser.parseResource(
              new InputStreamReader(new ByteArrayInputStream(json), StandardCharsets.UTF_8));
    } catch (DataFormatException | ClassCastException e) {
      throw new ViewDefinitionException(
          "A resource to run the view over is not valid FHIR R4 JSON");
    }
  }

  private static JsonNode body(HttpServletRequest req) throws IOException {
    if (req.getContentLengthLong() > MAX_BODY) {
      throw new BulkRequestException(
          413, "too-costly", "The Parameters body is larger than 32 MiB");
    }
    try {
      return JSON.readTree(req.getInputStream().readNBytes(MAX_BODY + 1));
    } catch (IOException e) {
      throw new BulkRequestException(400, "invalid", "The body is not JSON");
    }
  }
}
