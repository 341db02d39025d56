package io.fhirflow.mapping;

import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.schema.Platform;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the Observation parts that depend only on a catalogue row, written once per row when
 * the mapper is built: the category array and the code CodeableConcept the row gives by default.
 * They are most of an Observation's text (system URLs, LOINC displays), and Jackson's per-character
 * escape scan over them was a quarter of the mapping's CPU (issue 19 item 1); written once by the
 * same encoder, they are the same bytes. Read-only after construction, so sharing it between
 * threads is safe.
 */
final class EntryFragments {
  /** Rendered JSON of one row; {@code category} null when the row has none. */
  private record Fragments(String category, String code) {}

  /** By identity: the catalogue's rows are the keys, and a record's hashCode walks every field. */
  private final Map<CatalogueEntry, Fragments> byEntry = new IdentityHashMap<>();

  EntryFragments(MappingCatalogue catalogue) {
    for (CatalogueEntry entry : catalogue.entries()) {
      byEntry.put(entry, new Fragments(renderCategory(entry), renderCode(entry)));
    }
  }

  /** The category array of an entry's Observations, as JSON, or null for none. */
  String category(CatalogueEntry entry) {
    return of(entry).category();
  }

  /** The code an entry's Observations have unless a value chooses another, as JSON. */
  String defaultCode(CatalogueEntry entry) {
    return of(entry).code();
  }

  /** An entry of another catalogue (never in practice) is rendered on the spot, not cached. */
  private Fragments of(CatalogueEntry entry) {
    Fragments fragments = byEntry.get(entry);
    return fragments != null ? fragments : new Fragments(renderCategory(entry), renderCode(entry));
  }

  private static String renderCategory(CatalogueEntry entry) {
    if (entry.category() == null) {
      return null;
    }
    return FhirJsonEncoder.category(
        entry.category(), SampleContext.CATEGORY_DISPLAYS.get(entry.category()));
  }

  private static String renderCode(CatalogueEntry entry) {
    return FhirJsonEncoder.concept(
        codeConcept(entry, entry.loinc(), entry.loincDisplay(), entry.platformCode()));
  }

  /**
   * An Observation's code: the primary LOINC coding when there is one, the entry's second LOINC
   * coding when the primary is the entry's own, the platform coding, and the entry's name as text.
   */
  static ObservationDraft.Concept codeConcept(
      CatalogueEntry entry, String loinc, String loincDisplay, String platformCode) {
    List<ObservationDraft.Coding> codings = new ArrayList<>(3);
    if (loinc != null) {
      codings.add(new ObservationDraft.Coding(FhirSystems.LOINC, loinc, loincDisplay));
    }
    if (entry.alsoLoinc() != null && java.util.Objects.equals(loinc, entry.loinc())) {
      codings.add(
          new ObservationDraft.Coding(
              FhirSystems.LOINC, entry.alsoLoinc(), entry.alsoLoincDisplay()));
    }
    codings.add(
        new ObservationDraft.Coding(
            entry.platform() == Platform.HEALTHKIT
                ? FhirSystems.HEALTHKIT
                : FhirSystems.HEALTH_CONNECT,
            platformCode,
            null));
    return new ObservationDraft.Concept(codings, entry.name());
  }
}
