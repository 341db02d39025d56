package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/sink-connector.md carries the reference generated from the ConfigDef, not a hand copy. */
class ConfigReferenceTest {

  @Test
  void theDocumentedReferenceIsTheGeneratedOne() throws Exception {
    String generated = FhirSinkConnectorConfig.referenceMarkdown();
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/sink-config-reference.md"), generated, StandardCharsets.UTF_8);
    String docs = Files.readString(Path.of("../docs/sink-connector.md"), StandardCharsets.UTF_8);
    assertThat(docs)
        .as("docs/sink-connector.md is out of date: paste target/sink-config-reference.md into it")
        .contains(generated);
  }
}
