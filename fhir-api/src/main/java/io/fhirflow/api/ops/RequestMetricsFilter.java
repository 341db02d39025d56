package io.fhirflow.api.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Request latency by status class and area (fhir, patient-metrics), never by path (paths hold ids).
 */
public final class RequestMetricsFilter extends HttpFilter {

  private static final long serialVersionUID = 1L;

  private final transient MeterRegistry meters;
  private final String area;
  // Racing threads may both register the same timer: the registry returns the one instance.
  private final transient Timer[] timers = new Timer[10];

  public RequestMetricsFilter(MeterRegistry meters, String area) {
    this.meters = meters;
    this.area = area;
  }

  /**
   * The timer of a status class (1xx..5xx), registered once: building and looking up a meter id per
   * request is not free.
   */
  private Timer timer(int status) {
    int statusClass = Math.min(Math.max(status / 100, 0), timers.length - 1);
    Timer t = timers[statusClass];
    if (t == null) {
      t =
          Timer.builder("fhirflow.api.requests")
              .tag("area", area)
              .tag("status", statusClass + "xx")
              .publishPercentileHistogram()
              .register(meters);
      timers[statusClass] = t;
    }
    return t;
  }

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    Timer.Sample sample = Timer.start(meters);
    try {
      chain.doFilter(req, res);
    } finally {
      sample.stop(timer(res.getStatus()));
    }
  }
}
