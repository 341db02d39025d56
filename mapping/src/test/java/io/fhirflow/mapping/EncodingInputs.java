package io.fhirflow.mapping;

import io.fhirflow.contracts.Tenants;
import io.fhirflow.mapping.testing.CatalogueSamples;
import io.fhirflow.mapping.testing.RealExports;
import io.fhirflow.schema.WearableSample;
import io.fhirflow.testkit.Datasets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The inputs whose mapping is pinned: one sample per catalogue entry (every shape), the golden
 * samples, seeded adversarial variants of the catalogue samples and every record of the real Apple
 * Health exports in /work/shared/datasets. Each input set always yields the same cases in the same
 * order, so a transcript of them can be compared with a committed one.
 */
final class EncodingInputs {
  static final MappingCatalogue CATALOGUE = MappingCatalogue.builtIn();
  static final Path DATASETS = Datasets.root();
  private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
  private static final int VARIANTS_PER_ENTRY = 40;

  private EncodingInputs() {}

  static Stream<CatalogueEntry> entries() {
    return CATALOGUE.entries().stream().filter(e -> e.kind() != ValueKind.UNSUPPORTED);
  }

  /** The entry's generated sample, for the default tenant and amended for another tenant. */
  static List<EncodingCase> catalogue(CatalogueEntry entry) {
    WearableSample sample = CatalogueSamples.forEntry(CATALOGUE, entry);
    return List.of(
        EncodingCase.of(entry.platformCode(), Tenants.DEFAULT, sample, false),
        EncodingCase.of(entry.platformCode(), "acme", sample, true));
  }

  static Stream<String> goldenNames() throws IOException {
    try (Stream<Path> cases = Files.list(GOLDEN)) {
      return cases
          .filter(c -> Files.exists(c.resolve("sample.json")))
          .map(c -> c.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  /** A golden case's sample; {@code *-amended} cases map amended. */
  static EncodingCase golden(String name) {
    try {
      WearableSample sample =
          GoldenFilesTest.fromJson(
              Files.readString(
                  GOLDEN.resolve(name).resolve("sample.json"), StandardCharsets.UTF_8));
      return EncodingCase.of(name, Tenants.DEFAULT, sample, name.endsWith("-amended"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Forty seeded variants of every entry's sample, by platform code; one random sequence runs
   * through all entries in catalogue order, so the set is the same only as a whole.
   */
  static Map<String, List<EncodingCase>> adversarial() {
    SplittableRandom random = new SplittableRandom(1919);
    Map<String, List<EncodingCase>> cases = new LinkedHashMap<>();
    for (CatalogueEntry entry : entries().toList()) {
      WearableSample base = CatalogueSamples.forEntry(CATALOGUE, entry);
      List<EncodingCase> variants = new ArrayList<>();
      for (int i = 0; i < VARIANTS_PER_ENTRY; i++) {
        WearableSample variant = AdversarialSamples.vary(base, random);
        String tenant = random.nextBoolean() ? Tenants.DEFAULT : "tenant-b";
        variants.add(
            EncodingCase.of(
                entry.platformCode() + " #" + i, tenant, variant, random.nextBoolean()));
      }
      cases.put(entry.platformCode(), variants);
    }
    return cases;
  }

  /** The exports {@link RealAppleHealthExportTest} reads, relative to {@link #DATASETS}. */
  static Stream<String> exports() {
    return RealAppleHealthExportTest.exports();
  }

  /**
   * Every sample the product's reader gives for an export, for the default tenant; the file must
   * exist.
   */
  static List<EncodingCase> realExport(String export) {
    List<EncodingCase> cases = new ArrayList<>();
    try {
      for (WearableSample sample : RealExports.read(DATASETS.resolve(export), "real-export-user")) {
        cases.add(EncodingCase.of(export + " #" + cases.size(), Tenants.DEFAULT, sample, false));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cases;
  }
}
