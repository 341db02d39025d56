package io.fhirflow.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with {@code kubectl kustomize} (kustomize is built into kubectl) and
 * parses the resulting YAML stream. {@code config/} lies outside {@code k8s/}, hence the load
 * restrictor, exactly as the documented apply command uses it.
 */
final class Kustomize {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Kustomize() {}

  /** Whether a {@code kubectl} binary (which carries kustomize) is on the PATH. */
  static boolean kubectlOnPath() {
    return ExternalCommand.answers("kubectl", "version", "--client");
  }

  static List<JsonNode> render(Path dir) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "kubectl", "kustomize", "--load-restrictor", "LoadRestrictionsNone", dir.toString())
            .redirectErrorStream(false)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "kubectl kustomize " + dir + " failed: " + new String(err, StandardCharsets.UTF_8));
    }
    List<JsonNode> docs = new ArrayList<>();
    ObjectReader reader = YAML.readerFor(JsonNode.class);
    try (var it = reader.<JsonNode>readValues(out)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  static String id(JsonNode doc) {
    return doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
  }
}
