package io.fhirflow.applehealth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.schema.HkCorrelation;
import io.fhirflow.schema.WearableSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the reader hands its listener; the importer's tests (cli) cover the conversion on the real
 * exports, these the reader's own contract.
 */
class AppleHealthExportReaderTest {

  private static final Instant RECEIVED = Instant.parse("2026-11-26T10:00:00Z");
  private static final String SYSTOLIC =
      "<Record type=\"HKQuantityTypeIdentifierBloodPressureSystolic\" sourceName=\"Omron\""
          + " unit=\"mmHg\" startDate=\"2021-03-01 08:00:00 +0100\""
          + " endDate=\"2021-03-01 08:00:00 +0100\" value=\"128\"/>";
  private static final String DIASTOLIC =
      SYSTOLIC.replace("Systolic", "Diastolic").replace("128", "82");
  private static final String BROKEN =
      "<Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"Phone\""
          + " startDate=\"2021-03-01 09:00:00 +0100\" value=\"many\"/>";

  private final List<WearableSample> samples = new ArrayList<>();
  private final List<RejectedElement> rejected = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();

  private final ExportListener listener =
      new ExportListener() {
        @Override
        public void sample(WearableSample sample) {
          samples.add(sample);
          calls.add("sample");
        }

        @Override
        public void rejected(RejectedElement element) {
          rejected.add(element);
          calls.add("rejected");
        }

        @Override
        public void finished() {
          calls.add("finished");
        }
      };

  @Test
  void givesEachSampleOnceInFileOrderAndEachBrokenElementWithItsLine(@TempDir Path dir)
      throws IOException {
    Path file = export(dir);

    ImportReport report = new AppleHealthExportReader("user-1", RECEIVED).read(file, listener);

    // The correlation's members also stand at the top level (as the DTD says); they come once,
    // inside the correlation.
    assertThat(samples)
        .extracting(WearableSample::getType)
        .containsExactly("HKCorrelationTypeIdentifierBloodPressure");
    assertThat(((HkCorrelation) samples.get(0).getBody()).getMembers()).hasSize(2);
    assertThat(samples.get(0).getUserId()).isEqualTo("user-1");
    assertThat(samples.get(0).getReceivedTime()).isEqualTo(RECEIVED);
    assertThat(rejected).hasSize(1);
    RejectedElement broken = rejected.get(0);
    assertThat(broken.elementName()).isEqualTo("Record");
    assertThat(broken.xml()).isEqualTo(BROKEN);
    assertThat(broken.reason()).isEqualTo(ImportReason.INVALID_NUMBER);
    assertThat(broken.errorClass()).isEqualTo("InvalidElement");
    assertThat(broken.line()).isEqualTo(5);
    assertThat(broken.detail()).doesNotContain("many");
    assertThat(calls).containsExactly("rejected", "sample", "finished");
    assertThat(report.sent()).isEqualTo(1);
    assertThat(report.rejected()).isEqualTo(1);
    assertThat(report.correlationMembersSkipped()).isEqualTo(2);
  }

  @Test
  void theSamplesOnlyListenerFailsOnARejectedElementNamingItsLine(@TempDir Path dir)
      throws IOException {
    Path file = export(dir);
    List<WearableSample> taken = new ArrayList<>();

    assertThatThrownBy(
            () ->
                new AppleHealthExportReader("user-1", RECEIVED)
                    .read(file, ExportListener.samplesOnly(taken::add)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("line 5: <Record> INVALID_NUMBER (attribute value is not a number)");
  }

  private static Path export(Path dir) throws IOException {
    return Files.writeString(
        dir.resolve("export.xml"),
        "<HealthData locale=\"en_US\">\n <ExportDate value=\"2021-03-02 10:00:00 +0100\"/>\n "
            + SYSTOLIC
            + "\n "
            + DIASTOLIC
            + "\n "
            + BROKEN
            + "\n <Correlation type=\"HKCorrelationTypeIdentifierBloodPressure\""
            + " sourceName=\"Omron\" startDate=\"2021-03-01 08:00:00 +0100\""
            + " endDate=\"2021-03-01 08:00:00 +0100\">\n  "
            + SYSTOLIC
            + "\n  "
            + DIASTOLIC
            + "\n </Correlation>\n</HealthData>\n");
  }
}
