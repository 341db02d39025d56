package io.fhirflow.cli.applehealth;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Writes a large export shaped like a modern iPhone one (DTD prolog, heart-rate and step records
 * with device strings and metadata, blood-pressure correlations whose members also appear at top
 * level, workouts) until it reaches a size, and says how many of each it wrote.
 */
public final class SyntheticExport {

  record Written(long records, long correlations, long workouts, long bytes) {}

  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private SyntheticExport() {}

  /**
   * {@code SyntheticExport <file> <bytes>}: writes a synthetic export for benchmarks
   * (BENCHMARKS.md).
   */
  public static void main(String[] args) throws IOException {
    System.out.println(write(Path.of(args[0]), Long.parseLong(args[1])));
  }

  static Written write(Path file, long targetBytes) throws IOException {
    long records = 0;
    long correlations = 0;
    long workouts = 0;
    try (Writer out =
        new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
      out.write(
          """
          <?xml version="1.0" encoding="UTF-8"?>
          <!DOCTYPE HealthData [
          <!-- HealthKit Export Version: 11 -->
          <!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
          <!ATTLIST HealthData
            locale CDATA #REQUIRED
          >
          ]>
          <HealthData locale="en_US">
           <ExportDate value="2021-02-12 10:00:00 +0100"/>
           <Me HKCharacteristicTypeIdentifierDateOfBirth="" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexMale"/>
          """);
      long written = 400;
      LocalDateTime t = LocalDateTime.of(2018, 1, 1, 0, 0);
      StringBuilder line = new StringBuilder(512);
      while (written < targetBytes) {
        t = t.plusMinutes(2);
        String date = DATE.format(t) + " +0100";
        line.setLength(0);
        if (records % 1000 == 999) {
          String sys =
              record(
                  "HKQuantityTypeIdentifierBloodPressureSystolic",
                  "mmHg",
                  date,
                  String.valueOf(110 + records % 30));
          String dia =
              record(
                  "HKQuantityTypeIdentifierBloodPressureDiastolic",
                  "mmHg",
                  date,
                  String.valueOf(70 + records % 15));
          line.append(' ').append(sys).append("\n ").append(dia).append('\n');
          line.append(
                  " <Correlation type=\"HKCorrelationTypeIdentifierBloodPressure\" sourceName=\"Omron\" creationDate=\"")
              .append(date)
              .append("\" startDate=\"")
              .append(date)
              .append("\" endDate=\"")
              .append(date)
              .append("\">\n  ")
              .append(sys)
              .append("\n  ")
              .append(dia)
              .append("\n </Correlation>\n");
          records += 2;
          correlations++;
        } else if (records % 5000 == 4998) {
          line.append(
                  " <Workout workoutActivityType=\"HKWorkoutActivityTypeRunning\" duration=\"31.5\" durationUnit=\"min\" ")
              .append(
                  "totalDistance=\"5.1\" totalDistanceUnit=\"km\" totalEnergyBurned=\"402\" totalEnergyBurnedUnit=\"kcal\" ")
              .append("sourceName=\"Connect\" sourceVersion=\"28\" creationDate=\"")
              .append(date)
              .append("\" startDate=\"")
              .append(date)
              .append("\" endDate=\"")
              .append(date)
              .append("\">\n  <MetadataEntry key=\"HKIndoorWorkout\" value=\"0\"/>\n")
              .append("  <WorkoutEvent type=\"HKWorkoutEventTypePause\" date=\"")
              .append(date)
              .append("\" duration=\"1.2\" durationUnit=\"min\"/>\n")
              .append(" </Workout>\n");
          workouts++;
          records++; // keeps the modulo cadence moving; not a Record
        } else {
          boolean hr = records % 3 != 0;
          line.append(' ')
              .append(
                  hr
                      ? record(
                          "HKQuantityTypeIdentifierHeartRate",
                          "count/min",
                          date,
                          String.valueOf(55 + records % 60))
                      : record(
                          "HKQuantityTypeIdentifierStepCount",
                          "count",
                          date,
                          String.valueOf(records % 900)))
              .append('\n');
          records++;
        }
        out.append(line);
        written += line.length();
      }
      out.write("</HealthData>\n");
    }
    return new Written(records - workouts, correlations, workouts, Files.size(file));
  }

  private static String record(String type, String unit, String date, String value) {
    return "<Record type=\""
        + type
        + "\" sourceName=\"Sample’s Apple\u00a0Watch\" sourceVersion=\"7.2\" "
        + "device=\"&lt;&lt;HKDevice: 0x283a0c5a0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch5,9, software:7.2&gt;\" "
        + "unit=\""
        + unit
        + "\" creationDate=\""
        + date
        + "\" startDate=\""
        + date
        + "\" endDate=\""
        + date
        + "\" value=\""
        + value
        + "\">"
        + "<MetadataEntry key=\"HKMetadataKeyHeartRateMotionContext\" value=\"0\"/></Record>";
  }
}
