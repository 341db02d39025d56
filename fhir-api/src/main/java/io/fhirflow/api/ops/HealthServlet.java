package io.fhirflow.api.ops;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code /health/live}: the process serves HTTP. {@code /health/ready}: every required dependency
 * answers (database, audit sink); optional ones (Redis, which only the metrics view needs) are
 * reported but do not take the instance out of rotation.
 */
public final class HealthServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  /** One named dependency check; {@code required} ones decide readiness. */
  public record Check(String name, boolean required, BooleanSupplier up) {}

  private final transient java.util.List<Check> checks;

  public HealthServlet(java.util.List<Check> checks) {
    this.checks = java.util.List.copyOf(checks);
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
    String path = req.getPathInfo() == null ? "" : req.getPathInfo();
    if (path.equals("/live")) {
      write(res, 200, "{\"status\":\"UP\"}");
      return;
    }
    if (!path.equals("/ready")) {
      res.sendError(404);
      return;
    }
    Map<String, Boolean> results = new LinkedHashMap<>();
    boolean ready = true;
    for (Check c : checks) {
      boolean up;
      try {
        up = c.up().getAsBoolean();
      } catch (RuntimeException e) {
        up = false;
      }
      results.put(c.name(), up);
      ready &= up || !c.required();
    }
    StringBuilder body =
        new StringBuilder("{\"status\":\"").append(ready ? "UP" : "DOWN").append("\",\"checks\":{");
    String sep = "";
    for (Map.Entry<String, Boolean> e : results.entrySet()) {
      body.append(sep)
          .append('"')
          .append(e.getKey())
          .append("\":\"")
          .append(e.getValue() ? "UP" : "DOWN")
          .append('"');
      sep = ",";
    }
    write(res, ready ? 200 : 503, body.append("}}").toString());
  }

  private static void write(HttpServletResponse res, int status, String body) throws IOException {
    res.setStatus(status);
    res.setContentType("application/json");
    res.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
  }
}
