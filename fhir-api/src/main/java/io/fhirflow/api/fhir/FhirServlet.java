package io.fhirflow.api.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.List;

/** The HAPI plain server: the three resource providers and the interceptors that guard them. */
public final class FhirServlet extends RestfulServer {

  private static final long serialVersionUID = 1L;

  public FhirServlet(FhirContext context, List<IResourceProvider> providers, List<Object> interceptors, String publicBaseUrl) {
    super(context);
    setResourceProviders(providers);
    interceptors.forEach(this::registerInterceptor);
    setDefaultResponseEncoding(EncodingEnum.JSON);
    setImplementationDescription("fhirflow FHIR API");
    if (!publicBaseUrl.isBlank()) {
      setServerAddressStrategy(new HardcodedServerAddressStrategy(publicBaseUrl));
    }
  }
}
