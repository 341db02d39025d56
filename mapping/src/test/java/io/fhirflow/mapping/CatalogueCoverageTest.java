package io.fhirflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.IParser;
import io.fhirflow.contracts.Tenants;
import io.fhirflow.mapping.testing.CatalogueSamples;
import io.fhirflow.mapping.testing.FhirResourceValidator;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.WearableSample;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every catalogue entry, through a generated sample, gives validator-clean FHIR that HAPI would
 * encode identically.
 */
class CatalogueCoverageTest {
  private static final MappingCatalogue CATALOGUE = MappingCatalogue.builtIn();
  private static final FhirMapper MAPPER = new FhirMapper(CATALOGUE);
  private static final IParser HAPI_JSON = FhirResourceValidator.context().newJsonParser();
  private static final HapiModelMapping HAPI_MODELS = new HapiModelMapping(CATALOGUE);

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

  @ParameterizedTest(name = "{0}")
  @MethodSource("entries")
  void theStreamingEncoderWritesExactlyWhatHapiWrites(CatalogueEntry entry) {
    WearableSample sample = CatalogueSamples.forEntry(CATALOGUE, entry);
    // The HAPI models the mapper built before issue 19 item 1, encoded by HAPI itself.
    List<Observation> models = HAPI_MODELS.observations(Tenants.DEFAULT, sample, true);
    Mapped mapped = (Mapped) MAPPER.map(sample, true);
    assertThat(mapped.observations())
        .extracting(FhirResource::json)
        .containsExactlyElementsOf(models.stream().map(HAPI_JSON::encodeResourceToString).toList());
    for (FhirResource observation : mapped.observations()) {
      assertThat(HAPI_JSON.encodeResourceToString(HAPI_JSON.parseResource(observation.json())))
          .isEqualTo(observation.json());
    }
    assertThat(HAPI_JSON.encodeResourceToString(HAPI_JSON.parseResource(mapped.patient().json())))
        .isEqualTo(mapped.patient().json());
    mapped
        .device()
        .ifPresent(
            device ->
                assertThat(HAPI_JSON.encodeResourceToString(HAPI_JSON.parseResource(device.json())))
                    .isEqualTo(device.json()));
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
