package io.fhirflow.api.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.annotation.Description;
import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.fhirflow.api.store.IdentifiedResourceStore;
import io.fhirflow.api.store.Page;
import io.fhirflow.api.store.PageKey;
import io.fhirflow.api.store.StoredResource;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * Read and search-by-identifier for Patient and Device (one instance per type), confined like
 * Observations: a patient token sees its own Patient and the Devices linked to it, and nothing
 * else.
 */
public final class IdentifiedResourceProvider implements IResourceProvider {

  private final Class<? extends Resource> type;
  private final String typeName;
  private final IdentifiedResourceStore store;
  private final SearchBundles bundles;
  private final SearchPaging paging;
  private final StoredResourceReader reader;

  public IdentifiedResourceProvider(
      FhirContext context,
      Class<? extends Resource> type,
      IdentifiedResourceStore store,
      SearchPaging paging) {
    this.type = type;
    this.typeName = context.getResourceType(type);
    this.store = store;
    this.bundles = new SearchBundles(context);
    this.paging = paging;
    this.reader = new StoredResourceReader(context);
  }

  @Override
  public Class<? extends IBaseResource> getResourceType() {
    return type;
  }

  @Read
  public Resource read(@IdParam IdType id, RequestDetails request) {
    StoredResource r =
        store
            .read(id.getIdPart(), AccessInterceptor.confinementOf(request))
            .orElseThrow(() -> new ResourceNotFoundException(new IdType(typeName, id.getIdPart())));
    Resource resource = reader.parse(typeName, r);
    AccessInterceptor.auditOf(request)
        .ifPresent(a -> ownerOf(resource).ifPresent(a::returnedPatient));
    return resource;
  }

  /** The patient a resource is about: a Patient itself, a Device's {@code Device.patient}. */
  private Optional<String> ownerOf(Resource resource) {
    if (resource instanceof Patient) {
      return Optional.of(resource.getIdElement().getIdPart());
    }
    if (resource instanceof Device device
        && "Patient".equals(device.getPatient().getReferenceElement().getResourceType())) {
      return Optional.ofNullable(device.getPatient().getReferenceElement().getIdPart());
    }
    return Optional.empty();
  }

  private Optional<String> ownerOf(StoredResource row) {
    return typeName.equals("Patient")
        ? Optional.of(row.id())
        : ownerOf(reader.parse(typeName, row));
  }

  @Search
  public Bundle search(
      @Description(shortDefinition = "An identifier, as system|value, value or system|")
          @OptionalParam(name = "identifier")
          TokenAndListParam identifier,
      @Description(shortDefinition = "Opaque position of a next page, from a next link only")
          @OptionalParam(name = "_cursor")
          StringParam cursor,
      @Count Integer count,
      RequestDetails request) {
    Optional<String> confinedTo = AccessInterceptor.confinementOf(request);
    if (identifier == null && confinedTo.isEmpty() && cursor == null) {
      throw new InvalidRequestException("Search needs an identifier");
    }
    int pageSize = paging.pageSize(count);
    Optional<String> after = paging.after(cursor, request, confinedTo).map(PageKey::id);
    Page page =
        store.search(
            SearchParameterTranslator.tokens("identifier", identifier),
            confinedTo,
            pageSize,
            after);
    if (confinedTo.isEmpty()) {
      // Not confined to one patient: the audit trail names every patient whose record this page
      // discloses.
      AccessInterceptor.auditOf(request)
          .ifPresent(a -> page.rows().forEach(row -> ownerOf(row).ifPresent(a::returnedPatient)));
    }
    // Identified resources page by id alone.
    Optional<String> next =
        paging.next(page.next().map(k -> new PageKey(null, k.id())), request, confinedTo);
    return bundles.searchset(request, typeName, page.rows(), next);
  }
}
