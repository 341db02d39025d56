package io.fhirflow.bench.sink;

import io.fhirflow.mapping.FhirMapper;
import io.fhirflow.mapping.FhirResource;
import io.fhirflow.mapping.Mapped;
import io.fhirflow.mapping.MappingCatalogue;
import io.fhirflow.mapping.MappingOutcome;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.WearableSamples;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The benchmark's records: FHIR Observations made by the real mapper ({@link FhirMapper}) from
 * varied raw samples (HealthKit heart rate and step count, Health Connect blood pressure; 2,000
 * users; values and times spread), cached as JSON lines so later runs skip the mapping. Fixed seed:
 * every run loads the same records.
 */
final class ObservationCorpus {

  /** One record to produce: key = patient id (as the topology keys fhir.r4.observation). */
  record Entry(String patientId, byte[] json) {}

  private ObservationCorpus() {}

  /** Makes sure {@code cache} holds at least {@code size} records, generating them if not. */
  static void ensure(Path cache, int size) throws IOException {
    if (Files.exists(cache) && countLines(cache, size) >= size) {
      return;
    }
    Files.createDirectories(cache.getParent());
    try (BufferedWriter out = Files.newBufferedWriter(cache, StandardCharsets.UTF_8)) {
      generate(
          size,
          e -> {
            try {
              out.write(e.patientId());
              out.write('\t');
              out.write(new String(e.json(), StandardCharsets.UTF_8));
              out.write('\n');
            } catch (IOException ex) {
              throw new java.io.UncheckedIOException(ex);
            }
          });
    }
  }

  /** Streams the first {@code size} records of the cache: memory stays flat for any size. */
  static void forEach(Path cache, int size, Consumer<Entry> action) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(cache, StandardCharsets.UTF_8)) {
      String line;
      for (int n = 0; n < size && (line = in.readLine()) != null; n++) {
        int tab = line.indexOf('\t');
        action.accept(
            new Entry(
                line.substring(0, tab), line.substring(tab + 1).getBytes(StandardCharsets.UTF_8)));
      }
    }
  }

  private static int countLines(Path cache, int atMost) throws IOException {
    int[] n = {0};
    try (BufferedReader in = Files.newBufferedReader(cache, StandardCharsets.UTF_8)) {
      while (n[0] < atMost && in.readLine() != null) {
        n[0]++;
      }
    }
    return n[0];
  }

  static void generate(int size, Consumer<Entry> sink) {
    FhirMapper mapper = new FhirMapper(MappingCatalogue.builtIn());
    Random random = new Random(42);
    int produced = 0;
    Instant base = Instant.parse("2026-01-01T00:00:00Z");
    for (long i = 0; produced < size; i++) {
      String user = "user-" + (i % 2000);
      Instant at = base.plus(Duration.ofSeconds(i * 7));
      String recordId = new UUID(0x5EED_0000_0000_0000L + i, i * 31 + 7).toString();
      WearableSample sample =
          switch ((int) (i % 4)) {
            case 0, 1 ->
                WearableSamples.healthKitHeartRate()
                    .setUserId(user)
                    .setRecordId(recordId.toUpperCase(java.util.Locale.ROOT))
                    .setStartTime(at)
                    .setEndTime(at)
                    .setCreationTime(at.plusSeconds(2))
                    .setReceivedTime(at.plusSeconds(30))
                    .setBody(
                        HkQuantity.newBuilder()
                            .setValue(48 + random.nextInt(120))
                            .setUnit("count/min")
                            .build())
                    .build();
            case 2 ->
                WearableSamples.healthKitHeartRate()
                    .setUserId(user)
                    .setRecordId(recordId.toUpperCase(java.util.Locale.ROOT))
                    .setType("HKQuantityTypeIdentifierStepCount")
                    .setStartTime(at.minusSeconds(900))
                    .setEndTime(at)
                    .setCreationTime(at.plusSeconds(2))
                    .setReceivedTime(at.plusSeconds(30))
                    .setMetadata(java.util.Map.of())
                    .setBody(
                        HkQuantity.newBuilder()
                            .setValue(random.nextInt(2500))
                            .setUnit("count")
                            .build())
                    .build();
            default ->
                WearableSamples.healthConnectBloodPressure()
                    .setUserId(user)
                    .setRecordId(recordId)
                    .setStartTime(at)
                    .setEndTime(at)
                    .setReceivedTime(at.plusSeconds(30))
                    .build();
          };
      MappingOutcome outcome = mapper.map(sample, false);
      if (outcome instanceof Mapped mapped) {
        for (FhirResource observation : mapped.observations()) {
          if (produced < size) {
            sink.accept(
                new Entry(
                    mapped.patient().id(), observation.json().getBytes(StandardCharsets.UTF_8)));
            produced++;
          }
        }
      } else {
        throw new IllegalStateException("benchmark sample rejected by the mapper: " + outcome);
      }
    }
  }
}
