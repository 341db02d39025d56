package io.fhirflow.mapping;

import io.fhirflow.schema.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders docs/fhir-support.md from the catalogue: every platform type with its codes, unit,
 * category, profile and whether it is supported. Run {@code main} to rewrite the file;
 * SupportTableTest fails while the file is stale.
 */
public final class SupportTable {
  private SupportTable() {}

  /** Writes the table to the path given (default {@code docs/fhir-support.md}). */
  public static void main(String[] args) throws IOException {
    Path target = Path.of(args.length > 0 ? args[0] : "docs/fhir-support.md");
    Files.writeString(target, render(MappingCatalogue.builtIn()), StandardCharsets.UTF_8);
  }

  public static String render(MappingCatalogue catalogue) {
    StringBuilder out = new StringBuilder();
    out.append("# FHIR support table\n\n")
        .append("Generated from the mapping catalogue (version ")
        .append(catalogue.version())
        .append(") by `io.fhirflow.mapping.SupportTable`; do not edit by hand. Regenerate with\n")
        .append(
            "`mvn -q -pl mapping -am test -Dtest=SupportTableTest -Dsurefire.failIfNoSpecifiedTests=false "
                + "-Dfhirflow.writeSupportTable=true`.\n")
        .append("Format of the catalogue: [catalogue.md](catalogue.md).\n\n");
    for (Platform platform : Platform.values()) {
      List<CatalogueEntry> entries =
          catalogue.entries().stream().filter(e -> e.platform() == platform).toList();
      long supported =
          entries.stream()
              .filter(e -> e.kind() != ValueKind.UNSUPPORTED)
              .map(CatalogueEntry::type)
              .distinct()
              .count();
      long withLoinc = entries.stream().filter(e -> e.loinc() != null).count();
      out.append("## ")
          .append(platform == Platform.HEALTHKIT ? "Apple HealthKit" : "Google Health Connect")
          .append("\n\n")
          .append(supported)
          .append(" types supported in ")
          .append(entries.size())
          .append(" rows; ")
          .append(withLoinc)
          .append(" rows carry a LOINC code.\n\n")
          .append(
              "| type | field | kind | LOINC | platform code | unit (UCUM) | category | profile | range | supported |\n")
          .append("|---|---|---|---|---|---|---|---|---|---|\n");
      for (CatalogueEntry entry : entries) {
        boolean isSupported = entry.kind() != ValueKind.UNSUPPORTED;
        out.append("| ")
            .append(entry.type())
            .append(" | ")
            .append(entry.field())
            .append(" | ")
            .append(entry.kind().name().toLowerCase(java.util.Locale.ROOT))
            .append(" | ")
            .append(loinc(entry))
            .append(" | ")
            .append(isSupported ? "`" + entry.platformCode() + "`" : "")
            .append(" | ")
            .append(entry.ucum() == null ? "" : "`" + entry.ucum() + "`" + units(entry))
            .append(" | ")
            .append(nullToEmpty(entry.category()))
            .append(" | ")
            .append(nullToEmpty(entry.profile()))
            .append(" | ")
            .append(range(entry))
            .append(" | ")
            .append(isSupported ? "yes" : "no: " + entry.name())
            .append(" |\n");
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String loinc(CatalogueEntry entry) {
    if (entry.loinc() == null) {
      return entry.valueSet() != null && entry.kind() == ValueKind.SLEEP_STAGE ? "per stage" : "";
    }
    String text = entry.loinc() + " " + entry.loincDisplay();
    return entry.alsoLoinc() == null
        ? text
        : text + "; " + entry.alsoLoinc() + " " + entry.alsoLoincDisplay();
  }

  private static String units(CatalogueEntry entry) {
    List<String> sources =
        entry.sourceUnits().keySet().stream()
            .filter(u -> !u.equals(entry.ucum()))
            .sorted()
            .collect(Collectors.toList());
    return sources.isEmpty() ? "" : " from " + String.join(", ", sources);
  }

  private static String range(CatalogueEntry entry) {
    if (entry.min() == null && entry.max() == null) {
      return "";
    }
    return number(entry.min()) + " – " + number(entry.max());
  }

  private static String number(Double value) {
    return value == null ? "" : SampleContext.decimal(value).toPlainString();
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }
}
