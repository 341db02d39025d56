package io.fhirflow.api.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.IQueryParameterAnd;
import ca.uhn.fhir.rest.api.QualifiedParamList;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.server.IServerAddressStrategy;
import ca.uhn.fhir.util.UrlUtil;
import io.fhirflow.api.audit.AuditRecord;
import io.fhirflow.api.security.AccessToken;
import io.fhirflow.api.security.JwtVerifier;
import io.fhirflow.api.security.TokenRejectedException;
import io.fhirflow.api.store.ObservationQuery;
import io.fhirflow.api.store.ObservationStore;
import io.fhirflow.api.store.Page;
import io.fhirflow.api.store.PageKey;
import io.fhirflow.api.store.RequestTenant;
import io.fhirflow.api.store.StoreUnavailableException;
import io.fhirflow.api.store.StoredResource;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Observation;

/**
 * The hot search, {@code GET /fhir/Observation?patient=&code=&date=&_sort=&_count=&_cursor=},
 * served in front of HAPI's RestfulServer: HAPI's dispatch (method binding, interceptor broadcasts,
 * parameter binding, placeholder resources) was about 30 % of the API's CPU for this one query
 * (BENCHMARKS.md, "FHIR API").
 *
 * <p>It answers only a request it can answer exactly as HAPI would: a GET of {@code
 * /fhir/Observation} with JSON (or no) Accept header, only those parameters, each value parsed by
 * HAPI's own parameter classes, a valid token whose scopes allow the search, a valid cursor. The
 * token check, confinement to the token's patient and tenant, the audit record, the page links and
 * the bytes of the page are those of {@link AccessInterceptor}, {@link ObservationProvider}, {@link
 * SearchBundles} and {@link SearchsetJson}. Everything else goes on to HAPI untouched, errors
 * included: a refused token, a bad value or a failed read is answered by HAPI's path (which reads
 * again), so every OperationOutcome is the one HAPI writes. The test {@code
 * ObservationSearchFilterIT} compares both paths' answers.
 */
public final class ObservationSearchFilter extends HttpFilter {

  private static final long serialVersionUID = 1L;
  private static final String PATH = "/fhir/Observation";
  private static final Set<String> SINGLE = Set.of("patient", "_sort", "_count", "_cursor");
  private static final Set<String> REPEATABLE = Set.of("code", "date");

  private final transient FhirContext context;
  private final transient JwtVerifier verifier;
  private final transient ObservationStore store;
  private final transient SearchPaging paging;
  private final transient IServerAddressStrategy addresses;

  public ObservationSearchFilter(
      FhirContext context,
      JwtVerifier verifier,
      ObservationStore store,
      SearchPaging paging,
      IServerAddressStrategy addresses) {
    this.context = context;
    this.verifier = verifier;
    this.store = store;
    this.paging = paging;
    this.addresses = addresses;
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    Search search = isCandidate(req) ? parse(req) : null;
    if (search == null || !serve(search, req, res)) {
      chain.doFilter(req, res);
    }
  }

  /** A search as the request asked for it, every value parsed and checked. */
  private record Search(
      Map<String, String[]> params,
      AccessToken token,
      Optional<String> asked,
      ObservationQuery query) {}

  private static boolean isCandidate(HttpServletRequest req) {
    if (!"GET".equals(req.getMethod())
        || !(req.getContextPath() + PATH).equals(req.getRequestURI())
        || req.getQueryString() == null
        || req.getQueryString().isBlank()) {
      return false;
    }
    // HAPI streams the page only as JSON; any other Accept (or a list) is HAPI's to negotiate.
    String accept = req.getHeader("Accept");
    return accept == null || accept.equals("application/fhir+json");
  }

  /** The search, or null when anything in it is HAPI's to answer (an error above all). */
  private Search parse(HttpServletRequest req) {
    try {
      // HAPI's own parse of the query string, so the fingerprint and links see the same map.
      Map<String, String[]> params = UrlUtil.parseQueryString(req.getQueryString());
      for (Map.Entry<String, String[]> p : params.entrySet()) {
        String name = p.getKey();
        boolean single = SINGLE.contains(name);
        if (!single && !REPEATABLE.contains(name)) {
          return null;
        }
        for (String v : p.getValue()) {
          // A list, an escape or an empty value: HAPI's binding decides what it means.
          if (v.isEmpty() || v.indexOf(',') >= 0 || v.indexOf('\\') >= 0) {
            return null;
          }
        }
        if (single && p.getValue().length != 1) {
          return null;
        }
      }
      AccessToken token = verifier.verifyHeader(req.getHeader("Authorization"));
      if (!token.allows("Observation", 's')) {
        return null;
      }
      Optional<String> confinedTo = token.confinedTo();
      Optional<String> asked = patient(params.get("patient"));
      if (confinedTo.isEmpty() && asked.isEmpty()) {
        return null;
      }
      Optional<PageKey> after = Optional.empty();
      String[] cursor = params.get("_cursor");
      if (cursor != null) {
        after =
            Optional.of(
                paging.decode(
                    cursor[0], SearchBundles.fingerprint("Observation", params), confinedTo));
      }
      Boolean newestFirst = newestFirst(params.get("_sort"));
      Integer count = count(params.get("_count"));
      if (newestFirst == null || (count != null && count < 1)) {
        return null;
      }
      Optional<String> scope = confinedTo.isPresent() ? confinedTo : asked;
      ObservationQuery query =
          new ObservationQuery(
              scope,
              SearchParameterTranslator.tokens(
                  Observation.SP_CODE,
                  bound(TokenAndListParam::new, Observation.SP_CODE, params.get("code"))),
              List.of(),
              SearchParameterTranslator.dates(
                  bound(DateAndListParam::new, Observation.SP_DATE, params.get("date"))),
              newestFirst,
              paging.pageSize(count),
              after);
      return new Search(params, token, asked, query);
    } catch (TokenRejectedException | RuntimeException e) {
      // Refused token, bad value or cursor: HAPI answers it (and counts and logs it) as always.
      return null;
    }
  }

  /**
   * Answers the search, or returns false with nothing written when the read failed: HAPI's path
   * then reads again and answers with its OperationOutcome (503 for an unavailable store).
   */
  private boolean serve(Search search, HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    AccessToken token = search.token();
    Optional<String> confinedTo = token.confinedTo();
    // As AccessInterceptor and ObservationProvider record it.
    Object record = req.getAttribute(AuditRecord.ATTRIBUTE);
    if (record instanceof AuditRecord audit) {
      audit.interaction("search-type", "Observation", null);
      audit.token(token);
      search.asked().ifPresent(audit::patient);
    }
    RequestTenant.set(token.tenant());
    Page page;
    if (confinedTo.isPresent()
        && search.asked().isPresent()
        && !confinedTo.equals(search.asked())) {
      page = new Page(List.of(), Optional.empty());
    } else {
      try {
        page = store.search(search.query());
        for (StoredResource r : page.rows()) {
          StoredResourceReader.checkShape("Observation", r.id(), r.jsonUtf8());
        }
      } catch (StoreUnavailableException | UnreadableStoredResourceException e) {
        return false;
      }
    }
    String base = addresses.determineServerBase(req.getServletContext(), req);
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    List<SearchsetJson.Link> links = new ArrayList<>(2);
    links.add(new SearchsetJson.Link("self", req.getRequestURL() + "?" + req.getQueryString()));
    if (page.next().isPresent()) {
      String fingerprint = SearchBundles.fingerprint("Observation", search.params());
      String cursor = paging.encode(page.next().get(), fingerprint, confinedTo);
      links.add(
          new SearchsetJson.Link(
              "next", SearchBundles.pageUrl(base, "Observation", search.params(), cursor)));
    }
    List<SearchsetJson.Entry> entries = new ArrayList<>(page.rows().size());
    for (StoredResource r : page.rows()) {
      entries.add(new SearchsetJson.Entry(base + "/Observation/" + r.id(), r.jsonUtf8()));
    }
    // The Bundle's lastUpdated as HAPI's model formats it (InstantType, the JVM's time zone).
    Meta meta = new Meta().setLastUpdated(new Date());
    ByteArrayOutputStream body =
        SearchsetJson.page(
            UUID.randomUUID().toString(),
            meta.getLastUpdatedElement().getValueAsString(),
            links,
            entries);
    res.setStatus(HttpServletResponse.SC_OK);
    res.setContentType(StoredJsonBundleWriter.CONTENT_TYPE);
    res.setContentLength(body.size());
    body.writeTo(res.getOutputStream());
    if (record instanceof AuditRecord audit) {
      // The names HAPI's parse found, each one of SINGLE or REPEATABLE: the same the container's
      // parse would give the audit filter, without parsing the query string again.
      audit.parameterNamesRead(search.params().keySet());
    }
    return true;
  }

  private Optional<String> patient(String[] values) {
    if (values == null) {
      return Optional.empty();
    }
    ReferenceParam ref = new ReferenceParam();
    ref.setValueAsQueryToken(context, Observation.SP_PATIENT, null, values[0]);
    return ObservationProvider.idOf(ref);
  }

  /**
   * The parameter {@code name}'s values parsed as HAPI's search binding parses them, into a new
   * {@code empty}; null when the parameter is absent.
   */
  private <T extends IQueryParameterAnd<?>> T bound(
      Supplier<T> empty, String name, String[] values) {
    if (values == null) {
      return null;
    }
    T and = empty.get();
    and.setValuesAsQueryTokens(context, name, lists(values));
    return and;
  }

  /** Each value one AND term, as HAPI's search binding hands them over. */
  private static List<QualifiedParamList> lists(String[] values) {
    List<QualifiedParamList> lists = new ArrayList<>(values.length);
    for (String v : values) {
      lists.add(QualifiedParamList.singleton(v));
    }
    return lists;
  }

  /** date or -date (as ObservationProvider#newestFirst reads them), newest first when absent. */
  private static Boolean newestFirst(String[] sort) {
    if (sort == null) {
      return true;
    }
    return switch (sort[0]) {
      case "-date" -> true;
      case "date" -> false;
      default -> null;
    };
  }

  private static Integer count(String[] values) {
    if (values == null) {
      return null;
    }
    String v = values[0];
    if (v.length() > 6 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("not a small count");
    }
    return Integer.parseInt(v);
  }
}
