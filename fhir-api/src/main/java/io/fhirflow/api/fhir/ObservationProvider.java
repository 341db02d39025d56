package io.fhirflow.api.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.annotation.Description;
import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.fhirflow.api.store.ObservationQuery;
import io.fhirflow.api.store.ObservationStore;
import io.fhirflow.api.store.Page;
import io.fhirflow.api.store.PageKey;
import io.fhirflow.api.store.StoredResource;
import io.fhirflow.api.store.TokenCriterion;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;

/**
 * Observation read, search and $lastn over the sink's table. Every query is confined to the token's
 * patient when it has one: a search naming another patient finds nothing and a read of another
 * patient's Observation is a 404, exactly like a read of one that does not exist.
 */
public final class ObservationProvider implements IResourceProvider {

  private final ObservationStore store;
  private final SearchBundles bundles;
  private final SearchPaging paging;
  private final StoredResourceReader reader;

  public ObservationProvider(FhirContext context, ObservationStore store, SearchPaging paging) {
    this.store = store;
    this.bundles = new SearchBundles(context);
    this.paging = paging;
    this.reader = new StoredResourceReader(context);
  }

  @Override
  public Class<? extends IBaseResource> getResourceType() {
    return Observation.class;
  }

  @Read
  public Observation read(@IdParam IdType id, RequestDetails request) {
    Optional<String> confinedTo = AccessInterceptor.confinementOf(request);
    Optional<StoredResource> row = store.read(id.getIdPart(), confinedTo);
    if (row.isEmpty()) {
      // Deleted on the phone (the sink's register): 410 Gone, not "never existed".
      IdType observation = new IdType("Observation", id.getIdPart());
      throw store.wasDeleted(id.getIdPart(), confinedTo)
          ? new ResourceGoneException(observation)
          : new ResourceNotFoundException(observation);
    }
    StoredResource r = row.get();
    Observation observation = (Observation) reader.parse("Observation", r);
    String subject = observation.getSubject().getReferenceElement().getIdPart();
    if (subject != null) {
      AccessInterceptor.auditOf(request).ifPresent(a -> a.patient(subject));
    }
    return observation;
  }

  @Search
  public Bundle search(
      @Description(shortDefinition = "The patient the observations are about")
          @OptionalParam(name = Observation.SP_PATIENT, targetTypes = Patient.class)
          ReferenceParam patient,
      @Description(shortDefinition = "The subject (a Patient) the observations are about")
          @OptionalParam(name = Observation.SP_SUBJECT, targetTypes = Patient.class)
          ReferenceParam subject,
      @Description(
              shortDefinition = "Any coding of Observation.code, as system|code, code or system|")
          @OptionalParam(name = Observation.SP_CODE)
          TokenAndListParam code,
      @Description(shortDefinition = "Observation.category, as system|code, code or system|")
          @OptionalParam(name = Observation.SP_CATEGORY)
          TokenAndListParam category,
      @Description(shortDefinition = "Effective time (dateTime or period), prefixes eq ge gt le lt")
          @OptionalParam(name = Observation.SP_DATE)
          DateAndListParam date,
      @Description(shortDefinition = "Opaque position of a next page, from a next link only")
          @OptionalParam(name = "_cursor")
          StringParam cursor,
      @Sort SortSpec sort,
      @Count Integer count,
      SummaryEnum summary,
      RequestDetails request) {
    Optional<String> confinedTo = AccessInterceptor.confinementOf(request);
    Optional<String> asked = patientParam(patient, subject);
    if (confinedTo.isEmpty() && asked.isEmpty()) {
      // Every search runs on the patient's index entries: a search across all patients, ordered by
      // time, has no bounded cost (population queries belong to bulk export).
      throw new InvalidRequestException(
          "Observation search needs patient or subject (or a token confined to a patient)");
    }
    asked.ifPresent(p -> AccessInterceptor.auditOf(request).ifPresent(a -> a.patient(p)));
    // The cursor is checked first, so an edited page link fails the same way whoever it names.
    Optional<PageKey> after = paging.after(cursor, request, confinedTo);
    if (confinedTo.isPresent() && asked.isPresent() && !confinedTo.equals(asked)) {
      return bundles.searchset(request, "Observation", List.of(), Optional.empty());
    }
    Optional<String> scope = confinedTo.isPresent() ? confinedTo : asked;
    int pageSize = paging.pageSize(count);
    ObservationQuery query =
        new ObservationQuery(
            scope,
            SearchParameterTranslator.tokens(Observation.SP_CODE, code),
            SearchParameterTranslator.tokens(Observation.SP_CATEGORY, category),
            SearchParameterTranslator.dates(date),
            newestFirst(sort),
            pageSize,
            after);
    if (summary == SummaryEnum.COUNT) {
      return SearchBundles.count(store.count(query));
    }
    Page page = store.search(query);
    Optional<String> next = paging.next(page.next(), request, confinedTo);
    return bundles.searchset(request, "Observation", page.rows(), next);
  }

  /** The newest value of each code for one patient (FHIR Observation/$lastn). */
  @Operation(name = "$lastn", idempotent = true, type = Observation.class)
  public Bundle lastN(
      @OperationParam(name = "patient", max = 1) ReferenceParam patient,
      @OperationParam(name = "subject", max = 1) ReferenceParam subject,
      @OperationParam(name = "code") TokenAndListParam code,
      @OperationParam(name = "category") TokenAndListParam category,
      @OperationParam(name = "max", max = 1) IntegerType max,
      RequestDetails request) {
    Optional<String> confinedTo = AccessInterceptor.confinementOf(request);
    Optional<String> asked = patientParam(patient, subject);
    Optional<String> target = confinedTo.isPresent() ? confinedTo : asked;
    if (target.isEmpty()) {
      throw new InvalidRequestException("$lastn needs patient or subject");
    }
    target.ifPresent(p -> AccessInterceptor.auditOf(request).ifPresent(a -> a.patient(p)));
    if (confinedTo.isPresent() && asked.isPresent() && !confinedTo.equals(asked)) {
      return bundles.searchset(request, "Observation", List.of(), Optional.empty());
    }
    int perCode = max == null || max.getValue() == null ? 1 : max.getValue();
    if (perCode < 1) {
      throw new InvalidRequestException("max must be at least 1");
    }
    List<List<TokenCriterion>> codes = SearchParameterTranslator.tokens("code", code);
    List<List<TokenCriterion>> categories = SearchParameterTranslator.tokens("category", category);
    int most = paging.maxCount();
    List<StoredResource> rows =
        store.lastN(target.get(), codes, categories, Math.min(perCode, most), most);
    return bundles.searchset(request, "Observation", rows, Optional.empty());
  }

  private static Optional<String> patientParam(ReferenceParam patient, ReferenceParam subject) {
    Optional<String> p = idOf(patient);
    Optional<String> s = idOf(subject);
    if (p.isPresent() && s.isPresent() && !p.equals(s)) {
      // Two different patients at once can match nothing; say so rather than guess.
      throw new InvalidRequestException("patient and subject name different patients");
    }
    return p.isPresent() ? p : s;
  }

  static Optional<String> idOf(ReferenceParam ref) {
    if (ref == null) {
      return Optional.empty();
    }
    if (ref.getChain() != null) {
      throw new InvalidRequestException("Chained references are not supported");
    }
    String type = ref.getResourceType();
    if (type != null && !type.equals("Patient")) {
      throw new InvalidRequestException("Only Patient references are supported");
    }
    String id = ref.getIdPart();
    if (id == null || id.isBlank()) {
      throw new InvalidRequestException("Empty patient reference");
    }
    return Optional.of(id);
  }

  private static boolean newestFirst(SortSpec sort) {
    if (sort == null) {
      return true;
    }
    if (!Observation.SP_DATE.equals(sort.getParamName()) || sort.getChain() != null) {
      throw new InvalidRequestException("Only _sort=date and _sort=-date are supported");
    }
    return sort.getOrder() == SortOrderEnum.DESC;
  }
}
