package io.fhirflow.api.bulk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The completion manifest of the Bulk Data Access IG for a finished job. */
final class ExportManifest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ExportManifest() {}

  /** {@code fileBase} is the absolute URL the file names are appended to. */
  static String of(ExportJob job, String fileBase) {
    ObjectNode m = JSON.createObjectNode();
    m.put("transactionTime", job.transactionTime().orElseThrow().toString());
    m.put("request", job.request().requestUrl());
    m.put("requiresAccessToken", true);
    ArrayNode output = m.putArray("output");
    for (ExportJob.OutputFile f : job.files()) {
      output
          .addObject()
          .put("type", f.type())
          .put("url", fileBase + f.fileName())
          .put("count", f.count());
    }
    m.putArray("error");
    return m.toString();
  }
}
