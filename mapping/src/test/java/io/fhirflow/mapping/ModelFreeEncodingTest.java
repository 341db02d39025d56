package io.fhirflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.IParser;
import io.fhirflow.mapping.testing.FhirResourceValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The mapper, which encodes without HAPI model objects (issue 19 item 1), still writes what the
 * HAPI-model mapper wrote, byte for byte, over every input of {@link EncodingInputs}: every
 * catalogue shape, the golden samples, seeded adversarial variants and every record of the real
 * Apple Health exports. Two independent checks, neither a copy of the mapper:
 *
 * <ul>
 *   <li><b>Content:</b> the transcript of each input set (every Observation's bytes in order, every
 *       metric point, every rejection with its detail) equals the pinned one ({@link
 *       PinnedEncodings}), which the HAPI-model mapper wrote before it was removed from the tests.
 *   <li><b>HAPI's encoding:</b> HAPI's own parser and encoder, given each Observation, Patient and
 *       Device the mapper wrote for the catalogue, golden and real-export inputs, write back
 *       exactly the same bytes, so element order, number and date formats and escaping are HAPI's.
 * </ul>
 *
 * The HAPI validator runs over every catalogue shape in {@link CatalogueCoverageTest}. After a
 * deliberate change of the output, rewrite the pinned files with {@code
 * -Dtest=ModelFreeEncodingTest#rewritesThePinnedEncodings -Dfhirflow.writeGolden=true} and review
 * the diff.
 */
class ModelFreeEncodingTest {
  private static final FhirMapper MAPPER = new FhirMapper(EncodingInputs.CATALOGUE);
  private static final IParser HAPI_JSON = FhirResourceValidator.context().newJsonParser();

  /** Maps with the mapper under test. */
  private static final PinnedEncodings.Recorder MAPPER_RECORDER =
      (input, transcript) ->
          transcript.add(
              input.label(), MAPPER.map(input.tenant(), input.sample(), input.amended()));

  /**
   * Maps with the mapper under test and checks that HAPI writes every resource back the same. Not
   * used for the adversarial variants: for a value such as 1e-7 the mapper writes {@code 1E-7}, as
   * the HAPI-model mapper did, where HAPI's parser and encoder write {@code 0.0000001} (both valid
   * FHIR decimals; the pinned content still covers those variants).
   */
  private static final PinnedEncodings.Recorder HAPI_CHECKED_RECORDER =
      (input, transcript) -> {
        MappingOutcome outcome = MAPPER.map(input.tenant(), input.sample(), input.amended());
        if (outcome instanceof Mapped mapped) {
          List<FhirResource> resources = new ArrayList<>(mapped.observations());
          resources.add(mapped.patient());
          mapped.device().ifPresent(resources::add);
          for (FhirResource resource : resources) {
            assertThat(HAPI_JSON.encodeResourceToString(HAPI_JSON.parseResource(resource.json())))
                .as("HAPI's encoding of %s", input.label())
                .isEqualTo(resource.json());
          }
        }
        transcript.add(input.label(), outcome);
      };

  static Stream<CatalogueEntry> entries() {
    return EncodingInputs.entries();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("entries")
  void everyCatalogueShapeMapsAsPinned(CatalogueEntry entry) {
    assertMapsAsPinned(EncodingInputs.catalogue(entry), PinnedEncodings.catalogue());
  }

  static Stream<String> goldenCases() throws IOException {
    return EncodingInputs.goldenNames();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenCases")
  void goldenSamplesMapAsPinned(String name) {
    assertMapsAsPinned(List.of(EncodingInputs.golden(name)), PinnedEncodings.golden());
  }

  @Test
  void adversarialVariantsOfEveryShapeMapAsPinned() {
    Map<String, String> pinned = PinnedEncodings.digests();
    int cases = 0;
    int rejected = 0;
    List<String> differing = new ArrayList<>();
    for (Map.Entry<String, List<EncodingCase>> entry : EncodingInputs.adversarial().entrySet()) {
      EncodingTranscript transcript = PinnedEncodings.transcript(entry.getValue(), MAPPER_RECORDER);
      if (!PinnedEncodings.digest(transcript)
          .equals(pinned.get(PinnedEncodings.ADVERSARIAL + "\t" + entry.getKey()))) {
        differing.add(entry.getKey());
      }
      cases += entry.getValue().size();
      rejected += (int) transcript.lines().stream().filter(EncodingTranscript::isRejection).count();
    }
    assertThat(differing).as("entries whose variants map differently from the pinned").isEmpty();
    // Both kinds of outcome are exercised, not just one.
    assertThat(cases - rejected).isGreaterThan(5_000);
    assertThat(rejected).isGreaterThan(500);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.fhirflow.mapping.EncodingInputs#exports")
  void everyRecordOfARealExportMapsAsPinned(String export) {
    Assumptions.assumeTrue(
        Files.exists(EncodingInputs.DATASETS.resolve(export)), "dataset not present: " + export);
    EncodingTranscript transcript =
        PinnedEncodings.transcript(EncodingInputs.realExport(export), HAPI_CHECKED_RECORDER);
    assertThat(transcript.lines()).anyMatch(line -> line.contains("\"observation\":"));
    assertThat(PinnedEncodings.digest(transcript))
        .as("transcript of %s", export)
        .isEqualTo(PinnedEncodings.digests().get(PinnedEncodings.EXPORT + "\t" + export));
  }

  @Test
  @EnabledIfSystemProperty(named = "fhirflow.writeGolden", matches = "true")
  void rewritesThePinnedEncodings() throws IOException {
    PinnedEncodings.write(MAPPER_RECORDER);
  }

  private static void assertMapsAsPinned(
      List<EncodingCase> cases, Map<String, List<String>> pinned) {
    List<String> expected = new ArrayList<>();
    for (EncodingCase input : cases) {
      expected.addAll(pinned.getOrDefault(input.label(), List.of()));
    }
    assertThat(PinnedEncodings.transcript(cases, HAPI_CHECKED_RECORDER).lines())
        .containsExactlyElementsOf(expected);
  }
}
