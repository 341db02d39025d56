package io.fhirflow.api.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Request latency by status class and area (fhir, patient-metrics), never by path (paths hold ids). */
public final class RequestMetricsFilter extends HttpFilter {

  private static final long serialVersionUID = 1L;

  private final transient MeterRegistry meters;
  private final String area;

  public RequestMetricsFilter(MeterRegistry meters, String area) {
    this.meters = meters;
    this.area = area;
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain) throws IOException, ServletException {
    Timer.Sample sample = Timer.start(meters);
    try {
      chain.doFilter(req, res);
    } finally {
      sample.stop(Timer.builder("fhirflow.api.requests").tag("area", area)
          .tag("status", (res.getStatus() / 100) + "xx").publishPercentileHistogram().register(meters));
    }
  }
}
