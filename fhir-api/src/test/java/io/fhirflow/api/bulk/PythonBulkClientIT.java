package io.fhirflow.api.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhirflow.api.support.ApiPerClass;
import io.fhirflow.api.support.Fixtures;
import io.fhirflow.api.support.SharedValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The export as a user would run it with a client nobody here wrote the server for: Debian's
 * /usr/bin/python3 with python3-requests (src/test/python/bulk_export_client.py) follows the Bulk
 * Data IG's flow end to end against a running API; the files it downloads are checked here.
 */
class PythonBulkClientIT {

  static final String PYTHON = "/usr/bin/python3";
  static final String PATIENT = Fixtures.id("python-bulk-patient");

  @RegisterExtension static final ApiPerClass api = new ApiPerClass();

  @BeforeAll
  static void start() throws Exception {
    List<String> resources = new ArrayList<>(List.of(Fixtures.patient(PATIENT, "python-user")));
    for (int i = 0; i < 250; i++) {
      resources.add(
          Fixtures.heartRate(
              Fixtures.id("python-hr-" + i),
              PATIENT,
              Fixtures.id("python-dev"),
              Instant.parse("2026-11-20T00:00:00Z").plusSeconds(60L * i),
              60 + i % 40,
              1));
    }
    api.seed(resources);
  }

  @Test
  void aPythonRequestsClientExportsAPatientEndToEnd() throws Exception {
    Path out = Files.createTempDirectory("python-bulk");
    Process p =
        new ProcessBuilder(
                PYTHON,
                Path.of("src/test/python/bulk_export_client.py").toAbsolutePath().toString(),
                api.fhirBase(),
                api.patientToken(PATIENT, "patient/*.rs"),
                out.toString(),
                "Patient/" + PATIENT + "/$export")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(stdout).isZero();
    JsonNode summary = new ObjectMapper().readTree(stdout);
    assertThat(summary.get("deleteStatus").asInt()).isEqualTo(202);
    assertThat(summary.get("files")).hasSize(2);
    for (JsonNode f : summary.get("files")) {
      assertThat(f.get("lines").asInt()).isEqualTo(f.get("count").asInt());
      assertThat(f.get("count").asInt())
          .isEqualTo(f.get("type").asText().equals("Observation") ? 250 : 1);
      for (String line : Files.readAllLines(Path.of(f.get("path").asText()))) {
        SharedValidator.assertValid(line);
      }
    }
  }
}
