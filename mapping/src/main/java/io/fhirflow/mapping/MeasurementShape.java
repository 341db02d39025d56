package io.fhirflow.mapping;

import io.fhirflow.schema.HcMeasurement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Health Connect record fields with one value each (WeightRecord.weight, StepsRecord.count, the 42
 * nutrients of NutritionRecord): one Observation per field present. The record's integer-coded
 * fields (measurement location, specimen, meal) become components of each. A record with several
 * rows gets one id per field.
 */
final class MeasurementShape implements ObservationShape {
  @Override
  public void build(SampleContext context, List<CatalogueEntry> entries) {
    List<HcMeasurement> measurements = HcRecords.measurements(context, entries.get(0));
    boolean severalRows =
        context.catalogue.entries(context.sample.getPlatform(), context.sample.getType()).size()
            > 1;
    Set<String> codedFields = codedFields(context);
    for (CatalogueEntry entry : entries) {
      HcMeasurement measurement = HcRecords.find(measurements, entry.field());
      if (measurement == null) {
        continue;
      }
      double value = Quantities.convert(entry, measurement.getValue(), measurement.getUnit());
      CodedValue specimen = specimen(context, entry);
      ObservationDraft observation =
          context.observation(
              entry,
              severalRows ? entry.field() : null,
              specimen == null ? entry.loinc() : specimen.loinc(),
              specimen == null ? entry.loincDisplay() : specimen.loincDisplay(),
              entry.platformCode());
      context.effective(observation);
      observation.value = SampleContext.quantity(entry, value);
      HcEnums.addComponents(
          context, observation, entry.type(), HcRecords.enums(context), codedFields);
      context.metric(entry, value, context.sample.getStartTime());
    }
  }

  /** Fields that CODED rows of the same record turn into Observations of their own. */
  private static Set<String> codedFields(SampleContext context) {
    Set<String> fields = new HashSet<>();
    for (CatalogueEntry entry :
        context.catalogue.entries(context.sample.getPlatform(), context.sample.getType())) {
      if (entry.kind() == ValueKind.CODED) {
        fields.add(entry.field());
      }
    }
    return fields;
  }

  /**
   * The entry's value set, when it has one, selects a more specific LOINC code by an enum value of
   * the record, e.g. BloodGlucoseRecord.specimenSource: interstitial fluid 99504-3 rather than
   * capillary blood 41653-7.
   */
  private static CodedValue specimen(SampleContext context, CatalogueEntry entry) {
    if (entry.valueSet() == null) {
      return null;
    }
    String field = entry.valueSet().substring(entry.valueSet().indexOf('.') + 1);
    Integer value = HcRecords.enums(context).get(field);
    if (value == null) {
      return null;
    }
    CodedValue coded = context.catalogue.codedValue(entry.valueSet(), value).orElse(null);
    return coded == null || coded.loinc() == null ? null : coded;
  }
}
