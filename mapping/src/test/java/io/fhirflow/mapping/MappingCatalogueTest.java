package io.fhirflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirflow.schema.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalogue is loaded and fully validated at start; a broken file fails naming the file and
 * line.
 */
class MappingCatalogueTest {
  private static final String HEADER_AND_VERSION =
      "# catalogue-version: 7\n"
          + "platform\ttype\tfield\tkind\tloinc\tloinc_display\talso_loinc\talso_loinc_display\tname\tucum\tunit\t"
          + "source_units\tcategory\tprofile\tmin\tmax\tvalue_set\tmetric\tmetric_kind\n";
  private static final String HEART_RATE =
      "HEALTHKIT\tHKQuantityTypeIdentifierHeartRate\t\tquantity\t8867-4\tHeart rate"
          + "\t\t\tHeart rate\t/min\tbeats/minute\tcount/min\tvital-signs\theartrate\t1\t300\t\theart_rate\tRATE\n";

  @TempDir Path directory;

  private void write(String catalogue) throws IOException {
    Files.writeString(directory.resolve("catalogue.tsv"), catalogue);
    for (String name : List.of("units.tsv", "codes.tsv")) {
      try (InputStream in =
          getClass().getResourceAsStream("/io/fhirflow/mapping/catalogue/" + name)) {
        Files.write(directory.resolve(name), in.readAllBytes());
      }
    }
  }

  @Test
  void loadsTheBuiltInCatalogueWithItsVersion() {
    MappingCatalogue catalogue = MappingCatalogue.builtIn();
    assertThat(catalogue.version()).isEqualTo("1");
    assertThat(catalogue.entry(Platform.HEALTHKIT, "HKQuantityTypeIdentifierHeartRate"))
        .get()
        .satisfies(e -> assertThat(e.loinc()).isEqualTo("8867-4"));
    assertThat(catalogue.entries(Platform.HEALTH_CONNECT, "NutritionRecord")).hasSize(42);
  }

  @Test
  void loadsACatalogueFromADirectory() throws IOException {
    write(HEADER_AND_VERSION + HEART_RATE);
    MappingCatalogue catalogue = MappingCatalogue.load(directory);
    assertThat(catalogue.version()).isEqualTo("7");
    assertThat(catalogue.entries()).hasSize(1);
  }

  @Test
  void rejectsALoincCodeWithAWrongCheckDigitNamingFileAndLine() throws IOException {
    write(HEADER_AND_VERSION + HEART_RATE.replace("8867-4", "8867-5"));
    assertThatThrownBy(() -> MappingCatalogue.load(directory))
        .isInstanceOf(CatalogueException.class)
        .hasMessageContaining("catalogue.tsv line 3")
        .hasMessageContaining("check digit");
  }

  @Test
  void rejectsAnInvalidUcumCode() throws IOException {
    assertLoadFails(
        HEADER_AND_VERSION + HEART_RATE.replace("\t/min\t", "\tbeats/min\t"),
        "line 3",
        "invalid UCUM beats/min");
  }

  @Test
  void rejectsASourceUnitWithoutAConversion() throws IOException {
    assertLoadFails(
        HEADER_AND_VERSION + HEART_RATE.replace("\tcount/min\t", "\tcount/min|furlongs\t"),
        "line 3",
        "source unit furlongs has no conversion to /min");
  }

  @Test
  void rejectsAVitalSignsProfileWithoutItsCategoryOrCode() throws IOException {
    assertLoadFails(
        HEADER_AND_VERSION + HEART_RATE.replace("vital-signs", "activity"),
        "needs category vital-signs");
    assertLoadFails(
        HEADER_AND_VERSION + HEART_RATE.replace("\theartrate\t", "\tresprate\t"),
        "needs LOINC 9279-1");
  }

  @Test
  void rejectsDuplicatesUnknownKindsAndBadRanges() throws IOException {
    assertLoadFails(HEADER_AND_VERSION + HEART_RATE + HEART_RATE, "line 4", "duplicate entry");
    assertLoadFails(
        HEADER_AND_VERSION + HEART_RATE.replace("\tquantity\t", "\tsparkline\t"),
        "unknown kind sparkline");
    assertLoadFails(
        HEADER_AND_VERSION + HEART_RATE.replace("\t1\t300\t", "\t300\t1\t"), "min is above max");
  }

  @Test
  void rejectsACatalogueWithoutAVersionLine() throws IOException {
    assertLoadFails(
        HEADER_AND_VERSION.replace("# catalogue-version: 7\n", "") + HEART_RATE,
        "catalogue-version");
  }

  /**
   * Loading a directory whose catalogue is {@code catalogue} fails, naming every one of {@code
   * messageParts}.
   */
  private void assertLoadFails(String catalogue, String... messageParts) throws IOException {
    write(catalogue);
    assertThatThrownBy(() -> MappingCatalogue.load(directory))
        .hasMessageContainingAll(messageParts);
  }
}
