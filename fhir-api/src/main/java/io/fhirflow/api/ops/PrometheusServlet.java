package io.fhirflow.api.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code /metrics} in the Prometheus text format. */
public final class PrometheusServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final transient PrometheusMeterRegistry registry;

  public PrometheusServlet(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
    res.setContentType("text/plain; version=0.0.4; charset=utf-8");
    res.getOutputStream().write(registry.scrape().getBytes(StandardCharsets.UTF_8));
  }
}
