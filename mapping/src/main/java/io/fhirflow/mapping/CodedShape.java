package io.fhirflow.mapping;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Health Connect integer-coded value (MenstruationFlowRecord.flow, OvulationTestRecord.result,
 * CervicalMucusRecord.appearance, ...): valueCodeableConcept with the constant from codes.tsv. A
 * record with two coded rows gives two Observations; its other coded fields become components.
 */
final class CodedShape implements ObservationShape {
  @Override
  public void build(SampleContext context, List<CatalogueEntry> entries) {
    Map<String, Integer> enums = HcRecords.enums(context);
    boolean severalRows =
        context.catalogue.entries(context.sample.getPlatform(), context.sample.getType()).size()
            > 1;
    Set<String> ownFields = new HashSet<>();
    entries.forEach(e -> ownFields.add(e.field()));
    for (CatalogueEntry entry : entries) {
      Integer value = enums.get(entry.field());
      if (value == null) {
        continue;
      }
      ObservationDraft observation = context.observation(entry, severalRows ? entry.field() : null);
      context.effective(observation);
      CodedValue coded =
          context.catalogue.codedValue(entry.type() + "." + entry.field(), value).orElse(null);
      observation.value =
          coded == null
              ? new ObservationDraft.IntegerValue(value)
              : HcEnums.codeableConcept(context, coded);
      HcEnums.addComponents(context, observation, entry.type(), enums, ownFields);
    }
  }
}
