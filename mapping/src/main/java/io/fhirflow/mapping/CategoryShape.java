package io.fhirflow.mapping;

import io.fhirflow.schema.HkCategory;
import java.util.List;

/** HealthKit category sample: valueCodeableConcept with the HealthKit category value. */
final class CategoryShape implements ObservationShape {
  @Override
  public void build(SampleContext context, List<CatalogueEntry> entries) {
    CatalogueEntry entry = entries.get(0);
    CodedValue value = categoryValue(context, entry);
    ObservationDraft observation = context.observation(entry, null);
    context.effective(observation);
    observation.value =
        ObservationDraft.Concept.of(context.platformCoding(value.code(), value.display()));
  }

  /**
   * The sample's value: its symbolic label when the catalogue knows it, else its integer (iOS 8
   * files send only the integer; older labels such as HKCategoryValueSleepAnalysisAsleep are
   * aliases of a known integer). A label with an integer the catalogue does not know is kept
   * verbatim, so values of a newer iOS are not lost.
   */
  static CodedValue categoryValue(SampleContext context, CatalogueEntry entry) {
    HkCategory body = Quantities.body(context, HkCategory.class, entry);
    String label = body.getValueLabel();
    boolean labelled = label != null && !label.isBlank();
    if (labelled) {
      CodedValue known = context.catalogue.codedValue(entry.valueSet(), label).orElse(null);
      if (known != null) {
        return known;
      }
    }
    CodedValue byNumber =
        context.catalogue.codedValue(entry.valueSet(), body.getValue()).orElse(null);
    if (byNumber != null) {
      return byNumber;
    }
    if (labelled) {
      return new CodedValue(entry.valueSet(), body.getValue(), label, label, null, null);
    }
    throw new SampleRejected(
        RejectReason.INVALID_SHAPE, entry.platformCode() + " value is not in " + entry.valueSet());
  }
}
