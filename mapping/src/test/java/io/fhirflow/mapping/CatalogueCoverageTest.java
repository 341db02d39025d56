package io.fhirflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.mapping.testing.CatalogueSamples;
import io.fhirflow.mapping.testing.FhirResourceValidator;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.WearableSample;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every catalogue entry, through a generated sample, gives validator-clean FHIR (that HAPI encodes
 * the same bytes, and that they are the pinned ones, is {@link ModelFreeEncodingTest}'s).
 */
class CatalogueCoverageTest {
  private static final MappingCatalogue CATALOGUE = MappingCatalogue.builtIn();
  private static final FhirMapper MAPPER = new FhirMapper(CATALOGUE);

  static Stream<CatalogueEntry> entries() {
    return CATALOGUE.entries().stream().filter(e -> e.kind() != ValueKind.UNSUPPORTED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("entries")
  void everyEntryMapsToObservationsWithoutValidatorErrors(CatalogueEntry entry) {
    WearableSample sample = CatalogueSamples.forEntry(CATALOGUE, entry);
    MappingOutcome outcome = MAPPER.map(sample, false);
    assertThat(outcome).as(entry.platformCode()).isInstanceOf(Mapped.class);
    Mapped mapped = (Mapped) outcome;
    assertThat(mapped.observations()).isNotEmpty();
    assertThat(mapped.observations())
        .anySatisfy(
            o ->
                assertThat(o.json())
                    .contains("\"" + entry.platformCode() + "\"")
                    .contains(entry.loinc() == null ? "" : "\"" + entry.loinc() + "\""));
    for (FhirResource observation : mapped.observations()) {
      assertThat(FhirResourceValidator.describe(FhirResourceValidator.errors(observation.json())))
          .as(observation.json())
          .isEmpty();
      if (entry.profile() != null && observation.json().contains("\"" + entry.loinc() + "\"")) {
        assertThat(observation.json()).contains("\"profile\":[\"" + entry.profileUrl() + "\"]");
      }
    }
  }

  @Test
  void coversEveryHealthKitTypeAndEveryPublicHealthConnectRecord() {
    long quantities = count(Platform.HEALTHKIT, "HKQuantityTypeIdentifier");
    long categories = count(Platform.HEALTHKIT, "HKCategoryTypeIdentifier");
    long correlations = count(Platform.HEALTHKIT, "HKCorrelationTypeIdentifier");
    long healthConnectRecords =
        entries()
            .filter(e -> e.platform() == Platform.HEALTH_CONNECT)
            .map(CatalogueEntry::type)
            .distinct()
            .count();
    assertThat(quantities).isEqualTo(119);
    assertThat(categories).isEqualTo(68);
    assertThat(correlations).isEqualTo(2);
    assertThat(CATALOGUE.entry(Platform.HEALTHKIT, "HKWorkoutTypeIdentifier")).isPresent();
    assertThat(healthConnectRecords).isEqualTo(42);
  }

  private static long count(Platform platform, String prefix) {
    return entries().filter(e -> e.platform() == platform && e.type().startsWith(prefix)).count();
  }
}
