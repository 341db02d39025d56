package io.fhirflow.cli.applehealth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.fhirflow.applehealth.ImportReport;
import io.fhirflow.cli.CollectingSink;
import io.fhirflow.cli.output.DeadLetter;
import io.fhirflow.cli.output.ProgressLine;
import io.fhirflow.schema.HkCategory;
import io.fhirflow.schema.HkCorrelation;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.HkWorkout;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.RecordingMethod;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.Datasets;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importer on the real exports in ../shared/datasets; expected counts are the folder READMEs'.
 */
class AppleHealthImporterTest {

  static final Path DATASETS = Datasets.root();

  private final CollectingSink sink = new CollectingSink();
  private final AppleHealthImporter importer = importer("user-1", sink);

  /** An importer for {@code user} into {@code sink}, at a fixed time, printing no progress. */
  private static AppleHealthImporter importer(String user, CollectingSink sink) {
    return new AppleHealthImporter(
        user,
        Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC),
        sink,
        new ProgressLine(new PrintStream(OutputStream.nullOutputStream()), 1000));
  }

  @Test
  void importsEveryRecordOfTheWholeV8ExportWithTheCountsOfItsReadme() throws IOException {
    ImportReport report = importer.run(DATASETS.resolve("apple-health-v8-iphone/export.xml"));

    assertThat(report.sentByType())
        .containsOnly(
            entry("HKQuantityTypeIdentifierStepCount", 1588L),
            entry("HKQuantityTypeIdentifierDistanceWalkingRunning", 1587L),
            entry("HKQuantityTypeIdentifierFlightsClimbed", 170L),
            entry("HKCategoryTypeIdentifierSleepAnalysis", 4L),
            entry("HKQuantityTypeIdentifierNumberOfTimesFallen", 1L),
            entry("HKQuantityTypeIdentifierUVExposure", 1L),
            entry("HKCategoryTypeIdentifierMindfulSession", 1L));
    assertThat(report.sent()).isEqualTo(3352);
    assertThat(report.rejected()).isZero();
    assertThat(sink.samples)
        .allSatisfy(
            s -> {
              assertThat(s.getPlatform()).isEqualTo(Platform.HEALTHKIT);
              assertThat(s.getUserId()).isEqualTo("user-1");
              assertThat(s.getStartZoneOffsetSeconds()).isEqualTo(-4 * 3600);
            });
    assertThat(
            sink.samples.stream()
                .filter(s -> s.getRecordingMethod() == RecordingMethod.MANUAL_ENTRY))
        .hasSize(4);
    assertThat(sink.samples.stream().filter(s -> s.getTimeZone() != null)).hasSize(3);
    // Record ids are distinct: no two real records collapse into one.
    assertThat(sink.samples.stream().map(WearableSample::getRecordId).collect(Collectors.toSet()))
        .hasSize(3352);
  }

  @Test
  void readsTheHkDevicePrintedObjectWithoutItsPointer() throws IOException {
    importer.run(DATASETS.resolve("apple-health-v8-iphone/export.xml"));

    WearableSample steps =
        sink.samples.stream().filter(s -> s.getDevice() != null).findFirst().orElseThrow();
    assertThat(steps.getDevice().getName()).isEqualTo("iPhone");
    assertThat(steps.getDevice().getManufacturer()).isEqualTo("Apple Inc.");
    assertThat(steps.getDevice().getModel()).isEqualTo("iPhone");
    assertThat(steps.getDevice().getHardwareVersion()).isEqualTo("iPhone10,4");
    assertThat(steps.getDevice().getSoftwareVersion()).isEqualTo("12.3");
    assertThat(steps.getDevice().toString()).doesNotContain("0x");
  }

  @Test
  void importsTheV11ExportWithWorkoutsAndSleepAndTheExportOffsetKept() throws IOException {
    ImportReport report =
        importer.run(DATASETS.resolve("apple-health-v11-garmin-iphone/export.xml"));

    assertThat(report.sentByType())
        .contains(
            entry("HKQuantityTypeIdentifierHeartRate", 3992L),
            entry("HKQuantityTypeIdentifierWalkingSpeed", 197L),
            entry("HKQuantityTypeIdentifierWalkingStepLength", 197L),
            entry("HKQuantityTypeIdentifierStepCount", 196L),
            entry("HKQuantityTypeIdentifierWalkingDoubleSupportPercentage", 192L),
            entry("HKQuantityTypeIdentifierWalkingAsymmetryPercentage", 134L),
            entry("HKCategoryTypeIdentifierSleepAnalysis", 64L),
            entry("HKQuantityTypeIdentifierHeadphoneAudioExposure", 37L),
            entry("HKQuantityTypeIdentifierDistanceWalkingRunning", 17L),
            entry("HKQuantityTypeIdentifierActiveEnergyBurned", 17L),
            entry("HKQuantityTypeIdentifierBasalEnergyBurned", 17L),
            entry("HKQuantityTypeIdentifierFlightsClimbed", 17L),
            entry("HKQuantityTypeIdentifierBodyMassIndex", 13L),
            entry("HKQuantityTypeIdentifierBodyFatPercentage", 13L),
            entry("HKQuantityTypeIdentifierBodyMass", 1L),
            entry("HKDataTypeSleepDurationGoal", 1L),
            entry("HKWorkoutTypeIdentifier", 60L));
    assertThat(report.sent()).isEqualTo(5105 + 60);
    assertThat(report.rejected()).isZero();

    List<WearableSample> sleep = ofType("HKCategoryTypeIdentifierSleepAnalysis");
    Map<String, Long> labels =
        sleep.stream()
            .collect(
                Collectors.groupingBy(
                    s -> ((HkCategory) s.getBody()).getValueLabel(), Collectors.counting()));
    assertThat(labels)
        .containsOnly(
            entry("HKCategoryValueSleepAnalysisInBed", 18L),
            entry("HKCategoryValueSleepAnalysisAsleep", 46L));

    List<WearableSample> workouts = ofType("HKWorkoutTypeIdentifier");
    Map<String, Long> activities =
        workouts.stream()
            .collect(
                Collectors.groupingBy(
                    s -> ((HkWorkout) s.getBody()).getActivityType(), Collectors.counting()));
    assertThat(activities)
        .containsOnly(
            entry("HKWorkoutActivityTypeRunning", 46L),
            entry("HKWorkoutActivityTypeWalking", 13L),
            entry("HKWorkoutActivityTypeMixedCardio", 1L));
    HkWorkout run = (HkWorkout) workouts.get(0).getBody();
    assertThat(run.getDurationSeconds()).isPositive();
    assertThat(run.getTotals())
        .extracting(t -> t.getType())
        .contains("HKQuantityTypeIdentifierActiveEnergyBurned");

    // HKTimeZone metadata becomes the zone; the +0100 of the exporting phone stays the offset.
    assertThat(sink.samples.stream().filter(s -> "Europe/Paris".equals(s.getTimeZone())))
        .isNotEmpty();
    assertThat(sink.samples)
        .allSatisfy(s -> assertThat(s.getStartZoneOffsetSeconds()).isEqualTo(3600));
    // Back-filled Garmin data: creation long after the measurement is carried, not corrected.
    assertThat(
            sink.samples.stream()
                .filter(
                    s ->
                        s.getCreationTime() != null
                            && s.getCreationTime()
                                .isAfter(s.getStartTime().plusSeconds(86400 * 10))))
        .isNotEmpty();
    assertThat(
            sink.samples.stream()
                .filter(s -> s.getMetadata().containsKey("HKMetadataKeyDevicePlacementSide")))
        .hasSize(134);
  }

  @Test
  void readsTheLegacyIos8FormatWithCompactDatesSourceAttributeAndHeartRateAverages()
      throws IOException {
    ImportReport report = importer.run(DATASETS.resolve("apple-health-legacy-2015/export.xml"));

    assertThat(report.sentByType())
        .containsOnly(
            entry("HKQuantityTypeIdentifierActiveEnergyBurned", 1171L),
            entry("HKQuantityTypeIdentifierStepCount", 534L),
            entry("HKQuantityTypeIdentifierDistanceWalkingRunning", 534L),
            entry("HKQuantityTypeIdentifierFlightsClimbed", 494L),
            entry("HKCategoryTypeIdentifierSleepAnalysis", 92L),
            entry("HKQuantityTypeIdentifierHeartRate", 89L),
            entry("HKQuantityTypeIdentifierBodyMass", 76L),
            entry("HKQuantityTypeIdentifierBodyFatPercentage", 76L),
            entry("HKQuantityTypeIdentifierHeight", 1L));
    assertThat(report.rejected()).isZero();

    WearableSample hr = ofType("HKQuantityTypeIdentifierHeartRate").get(0);
    HkQuantity q = (HkQuantity) hr.getBody();
    assertThat(q.getUnit()).isEqualTo("count/s");
    // iOS 8 wrote min/max/average instead of value: the average becomes the value, nothing is lost.
    assertThat(q.getMinimum()).isNotNull().isLessThanOrEqualTo(q.getValue());
    assertThat(q.getMaximum()).isNotNull().isGreaterThanOrEqualTo(q.getValue());
    assertThat(hr.getSource().getName()).isEqualTo("Sleep Cycle");

    WearableSample weight = ofType("HKQuantityTypeIdentifierBodyMass").get(0);
    assertThat(weight.getRecordingMethod()).isEqualTo(RecordingMethod.MANUAL_ENTRY);
    WearableSample sleep = ofType("HKCategoryTypeIdentifierSleepAnalysis").get(0);
    assertThat(((HkCategory) sleep.getBody()).getValue()).isEqualTo(1);
    assertThat(((HkCategory) sleep.getBody()).getValueLabel())
        .isEqualTo("HKCategoryValueSleepAnalysisAsleep");
  }

  @Test
  void sendsTheMalformedGermanIos8RecordsToTheDeadLetterTopicWithTheirLineAndGoesOn()
      throws IOException {
    Path german = DATASETS.resolve("apple-health-legacy-2015/Exportieren.xml");
    ImportReport report = importer.run(german);

    long recordLines =
        Files.readAllLines(german).stream().filter(l -> l.contains("<Record ")).count();
    assertThat(recordLines).isEqualTo(403);
    assertThat(report.sent() + report.rejected()).isEqualTo(403);
    // Metadata keys written as attribute names with spaces: not XML. Three quantities have no value
    // at all.
    assertThat(report.rejectedByReason())
        .containsOnly(entry("MALFORMED_XML", 67L), entry("MISSING_VALUE", 3L));
    assertThat(report.sent()).isPositive();
    assertThat(sink.deadLetters).hasSize((int) report.rejected());
    DeadLetter first = sink.deadLetters.get(0);
    assertThat(first.reason()).isEqualTo("MALFORMED_XML");
    assertThat(first.stage()).isEqualTo("import");
    assertThat(first.sourceLine()).isEqualTo(5);
    assertThat(first.sourceName()).isEqualTo("Exportieren.xml");
    assertThat(new String(first.value(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(Files.readAllLines(german).get(4).trim());
    assertThat(report.rejectionLines().get(0)).startsWith("line 5: <Record> MALFORMED_XML");
    // German records without value: category samples keep going, quantities without value are
    // rejected.
    assertThat(report.sentByType()).containsKey("HKQuantityTypeIdentifierNikeFuel");
  }

  @Test
  void sendsBloodPressureOnceAsTheCorrelationAndNotItsTopLevelMembersAgain(@TempDir Path dir)
      throws IOException {
    // As the DTD says: "Any Records that appear as children of a correlation also appear as
    // top-level records".
    String systolic =
        "<Record type=\"HKQuantityTypeIdentifierBloodPressureSystolic\" sourceName=\"Omron\" unit=\"mmHg\" "
            + "creationDate=\"2021-03-01 08:00:05 +0100\" startDate=\"2021-03-01 08:00:00 +0100\" endDate=\"2021-03-01 08:00:00 +0100\" value=\"128\"/>";
    String diastolic = systolic.replace("Systolic", "Diastolic").replace("128", "82");
    String other = systolic.replace("08:00:00", "19:30:00").replace("128", "131");
    Path file = dir.resolve("export.xml");
    Files.writeString(
        file,
        "<HealthData locale=\"en_US\">\n <ExportDate value=\"2021-03-02 10:00:00 +0100\"/>\n "
            + systolic
            + "\n "
            + diastolic
            + "\n "
            + other
            + "\n"
            + " <Correlation type=\"HKCorrelationTypeIdentifierBloodPressure\" sourceName=\"Omron\" creationDate=\"2021-03-01 08:00:05 +0100\" "
            + "startDate=\"2021-03-01 08:00:00 +0100\" endDate=\"2021-03-01 08:00:00 +0100\">\n  "
            + systolic
            + "\n  "
            + diastolic
            + "\n </Correlation>\n</HealthData>\n");

    ImportReport report = importer.run(file);

    assertThat(report.sentByType())
        .containsOnly(
            entry("HKCorrelationTypeIdentifierBloodPressure", 1L),
            entry("HKQuantityTypeIdentifierBloodPressureSystolic", 1L));
    assertThat(report.correlationMembersSkipped()).isEqualTo(2);
    HkCorrelation bp =
        (HkCorrelation) ofType("HKCorrelationTypeIdentifierBloodPressure").get(0).getBody();
    assertThat(bp.getMembers()).extracting(m -> m.getValue()).containsExactly(82.0, 128.0);
    assertThat(report.skippedByElement()).containsEntry("ExportDate", 1L);
  }

  @Test
  void sendsTheAuthorEditedSystolicRecordsWithoutPartnerAloneBesideTheCorrelation()
      throws IOException {
    ImportReport report = importer.run(DATASETS.resolve("apple-health-excerpts/yyu_export.xml"));

    List<WearableSample> bp = ofType("HKCorrelationTypeIdentifierBloodPressure");
    assertThat(bp).hasSize(1);
    HkCorrelation correlation = (HkCorrelation) bp.get(0).getBody();
    assertThat(correlation.getMembers())
        .extracting(m -> m.getType())
        .containsExactly(
            "HKQuantityTypeIdentifierBloodPressureDiastolic",
            "HKQuantityTypeIdentifierBloodPressureSystolic");
    assertThat(bp.get(0).getMetadata()).containsEntry("Sequence no", "3");
    assertThat(report.correlationMembersSkipped()).isZero();
    assertThat(report.sentByType())
        .containsEntry("HKQuantityTypeIdentifierBloodPressureSystolic", 6L)
        .doesNotContainKey("HKQuantityTypeIdentifierBloodPressureDiastolic")
        .containsEntry("HKQuantityTypeIdentifierHeartRate", 1L)
        .containsEntry("HKQuantityTypeIdentifierBodyMassIndex", 2L);
  }

  @Test
  void reimportingTheSameFileGivesTheSameRecordIdsSoDownstreamDedupes() throws IOException {
    Path file = DATASETS.resolve("apple-health-excerpts/kairess_export_sample.xml");
    importer.run(file);
    List<String> first = sink.samples.stream().map(WearableSample::getRecordId).toList();
    sink.samples.clear();
    importer.run(file);
    assertThat(sink.samples.stream().map(WearableSample::getRecordId).toList())
        .isEqualTo(first)
        .hasSize(221);
  }

  @Test
  void theSameFileImportedForAnotherUserGivesThatUserOtherRecordIds() throws IOException {
    Path file = DATASETS.resolve("apple-health-excerpts/kairess_export_sample.xml");
    importer.run(file);
    Set<String> mine =
        sink.samples.stream().map(WearableSample::getRecordId).collect(Collectors.toSet());
    CollectingSink other = new CollectingSink();
    importer("user-2", other).run(file);
    Set<String> theirs =
        other.samples.stream().map(WearableSample::getRecordId).collect(Collectors.toSet());
    assertThat(theirs).hasSameSizeAs(mine).doesNotContainAnyElementsOf(mine);
  }

  @Test
  void keepsVendorMetadataVerbatimAndTheWorkoutOfTheOlderRouteFormat() throws IOException {
    ImportReport report =
        importer.run(DATASETS.resolve("apple-health-excerpts/dogsheep_export.xml"));

    WearableSample bmi = ofType("HKQuantityTypeIdentifierBodyMassIndex").get(0);
    assertThat(bmi.getMetadata()).containsKey("Health Mate App Version");
    WearableSample workout = ofType("HKWorkoutTypeIdentifier").get(0);
    assertThat(workout.getMetadata()).containsEntry("HKWeatherTemperature", "56 degF");
    HkWorkout body = (HkWorkout) workout.getBody();
    assertThat(body.getRoute())
        .hasSize(2)
        .allSatisfy(
            p -> {
              assertThat(p.getLatitude()).isEqualTo(37.7777);
              assertThat(p.getCourseDegrees()).isNull(); // CoreLocation's -1 means unknown
            });
    assertThat(report.skippedByElement()).containsEntry("ActivitySummary", 2L);
  }

  @Test
  void toleratesRecordsNestedInsideARecordByHandEditing() throws IOException {
    ImportReport report =
        importer.run(DATASETS.resolve("apple-health-excerpts/danecollins_export_small.xml"));
    assertThat(report.sent()).isEqualTo(14);
    WearableSample hrv = ofType("HKQuantityTypeIdentifierHeartRateVariabilitySDNN").get(0);
    HkQuantity sdnn = (HkQuantity) hrv.getBody();
    // "9:28:34.99 AM" has no date: it is placed on the record's local start date.
    assertThat(sdnn.getSeries()).hasSize(3);
    assertThat(sdnn.getSeries().get(0).getValue()).isEqualTo(64.0);
    assertThat(sdnn.getSeries().get(0).getTime())
        .isBetween(hrv.getStartTime().minusSeconds(1), hrv.getEndTime().plusSeconds(1));
    assertThat(sink.samples.stream().map(s -> s.getSource().getName()))
        .anyMatch(n -> n.contains("\u00a0") || n.contains("\u2019"));
  }

  @Test
  void findsTheMainXmlInAZipByItsRootElementNotItsName(@TempDir Path dir) throws IOException {
    Path zip = dir.resolve("export.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("apple_health_export/export_cda.xml"));
      Files.copy(DATASETS.resolve("apple-health-v11-garmin-iphone/export_cda.xml"), out);
      out.putNextEntry(new ZipEntry("apple_health_export/Exportieren.xml"));
      Files.copy(DATASETS.resolve("apple-health-v8-iphone/export.xml"), out);
    }
    ImportReport report = importer.run(zip);
    assertThat(report.sent()).isEqualTo(3352);
  }

  @Test
  void stripsIllegalControlCharactersAndToleratesABrokenDtd(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("export.xml");
    Files.writeString(
        file,
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE HealthData [
        <!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout)*)>
        <!ATTLIST VisionPrescription
          type CDATA #REQUIRED
        <!-- the iOS 16 bug: the ATTLIST above has no '>' -->
        ]>
        <HealthData locale="en_US">
         <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Sample\u000b Watch" unit="count/min" startDate="2022-10-01 08:00:00 +0200" endDate="2022-10-01 08:00:00 +0200" value="61"/>
         <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Sample Watch" unit="count/min" startDate="2022-10-01 08:05:00 +0200" endDate="2022-10-01 08:05:00 +0200" value="63">
        </HealthData>
        """);
    ImportReport report = importer.run(file);

    assertThat(report.sent()).isEqualTo(1);
    assertThat(report.illegalCharactersDropped()).isEqualTo(1);
    assertThat(sink.samples.get(0).getSource().getName()).isEqualTo("Sample Watch");
    assertThat(report.rejectionLines()).singleElement().asString().startsWith("line 10:");
  }

  private List<WearableSample> ofType(String type) {
    return sink.samples.stream().filter(s -> s.getType().equals(type)).toList();
  }
}
