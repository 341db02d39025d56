package io.fhirflow.api.bulk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Writes an error answer as a FHIR OperationOutcome, the way the bulk and view endpoints report
 * failures.
 */
public final class OperationOutcomes {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OperationOutcomes() {}

  public static String json(String severity, String code, String diagnostics) {
    ObjectNode oo = JSON.createObjectNode().put("resourceType", "OperationOutcome");
    oo.putArray("issue")
        .addObject()
        .put("severity", severity)
        .put("code", code)
        .put("diagnostics", diagnostics);
    return oo.toString();
  }

  public static void send(HttpServletResponse res, int status, String code, String diagnostics)
      throws IOException {
    res.setStatus(status);
    res.setContentType("application/fhir+json;charset=utf-8");
    res.getOutputStream()
        .write(json("error", code, diagnostics).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
