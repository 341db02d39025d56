package io.fhirflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.mapping.testing.FhirResourceValidator;
import io.fhirflow.mapping.testing.RealExports;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.Datasets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real Apple Health exports in /work/shared/datasets: every record is either mapped or rejected
 * as a type the catalogue lacks (counted and reported, never dropped), and the Observations are
 * validator-clean. Every record is mapped; validation runs on the first two Observations of each
 * (type, unit) and every 100th after that, to keep the suite fast (the full set is ~12 000
 * resources at ~35 ms each). The German iOS 8 file is not well-formed XML (QUIRKS.md) and the CDA
 * files are not exports, so they are out of scope here.
 */
class RealAppleHealthExportTest {
  private static final Path DATASETS = Datasets.root();
  private static final MappingCatalogue CATALOGUE = MappingCatalogue.builtIn();
  private static final FhirMapper MAPPER = new FhirMapper(CATALOGUE);
  private static final Set<RejectReason> TYPE_GAPS =
      Set.of(RejectReason.UNKNOWN_TYPE, RejectReason.UNSUPPORTED_TYPE);
  private static final Path REPORT = Path.of("target", "real-export-report.txt");

  static Stream<String> exports() {
    return Stream.of(
        "apple-health-v11-garmin-iphone/export.xml",
        "apple-health-v8-iphone/export.xml",
        "apple-health-legacy-2015/export.xml",
        "apple-health-excerpts/danecollins_export_small.xml",
        "apple-health-excerpts/dogsheep_export.xml",
        "apple-health-excerpts/dogsheep_zip_export.xml",
        "apple-health-excerpts/kairess_export_sample.xml",
        "apple-health-excerpts/tdda_export6s3sample.xml",
        "apple-health-excerpts/yyu_export.xml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exports")
  void mapsEveryRecordOfARealExportOrCountsItsTypeAsMissing(String export) throws IOException {
    Path file = DATASETS.resolve(export);
    Assumptions.assumeTrue(Files.exists(file), "dataset not present: " + file);
    List<WearableSample> samples = RealExports.read(file, "real-export-user");

    Map<String, Integer> mappedByType = new TreeMap<>();
    Map<String, Integer> gapsByType = new TreeMap<>();
    List<String> otherRejections = new ArrayList<>();
    Map<String, Integer> seenPerShape = new TreeMap<>();
    List<String> validatorErrors = new ArrayList<>();
    int observations = 0;
    int validated = 0;
    for (WearableSample sample : samples) {
      MappingOutcome outcome = MAPPER.map(sample, false);
      if (outcome instanceof Rejection rejection) {
        if (TYPE_GAPS.contains(rejection.reason())) {
          gapsByType.merge(
              sample.getType() + " (" + rejection.reason().code() + ")", 1, Integer::sum);
        } else {
          otherRejections.add(
              sample.getType() + ": " + rejection.reason().code() + " " + rejection.detail());
        }
        continue;
      }
      Mapped mapped = (Mapped) outcome;
      mappedByType.merge(sample.getType(), 1, Integer::sum);
      for (FhirResource observation : mapped.observations()) {
        observations++;
        int seen = seenPerShape.merge(sample.getType() + "|" + unitOf(sample), 1, Integer::sum);
        if (seen <= 2 || seen % 100 == 0) {
          validated++;
          String errors =
              FhirResourceValidator.describe(FhirResourceValidator.errors(observation.json()));
          if (!errors.isEmpty()) {
            validatorErrors.add(errors + observation.json());
          }
        }
      }
    }
    report(export, samples.size(), observations, validated, mappedByType, gapsByType);

    int mapped = mappedByType.values().stream().mapToInt(Integer::intValue).sum();
    int gaps = gapsByType.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(mapped + gaps + otherRejections.size())
        .as("every record is counted once")
        .isEqualTo(samples.size());
    assertThat(otherRejections)
        .as("records rejected for reasons other than a missing type")
        .isEmpty();
    assertThat(validatorErrors).as("validator errors").isEmpty();
    assertThat(mapped).isPositive();
  }

  private static String unitOf(WearableSample sample) {
    return sample.getBody() instanceof io.fhirflow.schema.HkQuantity quantity
        ? quantity.getUnit()
        : "";
  }

  private static synchronized void report(
      String export,
      int records,
      int observations,
      int validated,
      Map<String, Integer> mapped,
      Map<String, Integer> gaps)
      throws IOException {
    StringBuilder text = new StringBuilder();
    text.append(export)
        .append(": ")
        .append(records)
        .append(" records, ")
        .append(mapped.values().stream().mapToInt(Integer::intValue).sum())
        .append(" mapped to ")
        .append(observations)
        .append(" Observations (")
        .append(validated)
        .append(" validated, 0 errors); ")
        .append("not mapped: ")
        .append(gaps.isEmpty() ? "none" : gaps)
        .append('\n');
    System.out.print(text);
    Files.createDirectories(REPORT.getParent());
    Files.writeString(
        REPORT,
        text.toString(),
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }
}
