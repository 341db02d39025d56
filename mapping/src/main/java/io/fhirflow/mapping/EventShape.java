package io.fhirflow.mapping;

import java.util.List;
import java.util.Set;

/**
 * Health Connect record without a value (IntermenstrualBleedingRecord, MenstruationPeriodRecord):
 * the Observation's code and effective time are the whole statement; R4 allows an Observation
 * without value[x].
 */
final class EventShape implements ObservationShape {
  @Override
  public void build(SampleContext context, List<CatalogueEntry> entries) {
    CatalogueEntry entry = entries.get(0);
    ObservationDraft observation = context.observation(entry, null);
    context.effective(observation);
    HcEnums.addComponents(context, observation, entry.type(), HcRecords.enums(context), Set.of());
  }
}
