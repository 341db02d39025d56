package io.fhirflow.api.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import io.fhirflow.api.audit.AuditRecord;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;

/** The HAPI plain server: the three resource providers and the interceptors that guard them. */
public final class FhirServlet extends RestfulServer {

  private static final long serialVersionUID = 1L;

  public FhirServlet(
      FhirContext context,
      List<IResourceProvider> providers,
      List<Object> interceptors,
      String publicBaseUrl) {
    super(context);
    setResourceProviders(providers);
    interceptors.forEach(this::registerInterceptor);
    setDefaultResponseEncoding(EncodingEnum.JSON);
    setImplementationDescription("fhirflow FHIR API");
    if (!publicBaseUrl.isBlank()) {
      setServerAddressStrategy(new HardcodedServerAddressStrategy(publicBaseUrl));
    }
  }

  /**
   * HAPI's request id is the audit record's, so logs, the X-Request-Id header and the AuditEvent
   * key agree.
   */
  @Override
  protected String getOrCreateRequestId(HttpServletRequest request) {
    Object record = request.getAttribute(AuditRecord.ATTRIBUTE);
    return record instanceof AuditRecord r ? r.requestId() : super.getOrCreateRequestId(request);
  }

  /**
   * The audit filter has already set X-Request-Id; a second header with HAPI's spelling would only
   * confuse.
   */
  @Override
  protected void addRequestIdToResponse(ServletRequestDetails request, String requestId) {
    if (request.getServletRequest().getAttribute(AuditRecord.ATTRIBUTE) == null) {
      super.addRequestIdToResponse(request, requestId);
    }
  }
}
