package io.fhirflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.testkit.Datasets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when they hand the importer the wrong file: one line that says what to pass
 * instead.
 */
class AppleHealthImportCommandTest {

  private record Run(int exit, String out, String err) {}

  private static Run importing(Path file) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int exit =
          Main.run("import", "apple-health", file.toString(), "--user", "user-1", "--dry-run");
      return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private static void assertOneClearLine(Run run, String... mentions) {
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().strip().lines())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .contains(mentions)
                    .contains("is not an Apple Health export")
                    .doesNotContain("Exception"));
  }

  @Test
  void theClinicalDocumentNextToTheExportIsAnsweredWithOneLineNotAStackTrace() {
    Run run = importing(Datasets.root().resolve("apple-health-v8-iphone/export_cda.xml"));
    assertOneClearLine(run, "export_cda.xml", "<ClinicalDocument>", "export.xml");
  }

  @Test
  void aZipWithoutTheExportAndAFileWithNoXmlAreAnsweredTheSameWay(@TempDir Path dir)
      throws IOException {
    Path zip = dir.resolve("cda-only.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      z.putNextEntry(new ZipEntry("apple_health_export/export_cda.xml"));
      z.write(Files.readAllBytes(Datasets.root().resolve("apple-health-v8-iphone/export_cda.xml")));
      z.closeEntry();
    }
    assertOneClearLine(importing(zip), "cda-only.zip", "export.zip");

    Path csv = dir.resolve("ecg.csv");
    Files.writeString(csv, "Name,Value\nECG,1\n");
    assertOneClearLine(importing(csv), "ecg.csv", "no XML element");
  }
}
