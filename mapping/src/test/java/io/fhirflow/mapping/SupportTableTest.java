package io.fhirflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/fhir-support.md is generated from the catalogue and must not go stale. */
class SupportTableTest {
  private static final Path TABLE = Path.of("..", "docs", "fhir-support.md");

  @Test
  void theCommittedSupportTableMatchesTheCatalogue() throws IOException {
    String expected = SupportTable.render(MappingCatalogue.builtIn());
    if (Boolean.getBoolean("fhirflow.writeSupportTable")) {
      Files.writeString(TABLE, expected, StandardCharsets.UTF_8);
    }
    assertThat(TABLE)
        .as("docs/fhir-support.md is stale: rerun this test with -Dfhirflow.writeSupportTable=true")
        .exists();
    assertThat(Files.readString(TABLE, StandardCharsets.UTF_8))
        .as("docs/fhir-support.md is stale: rerun this test with -Dfhirflow.writeSupportTable=true")
        .isEqualTo(expected);
  }
}
