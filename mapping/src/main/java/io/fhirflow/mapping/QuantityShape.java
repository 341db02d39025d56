package io.fhirflow.mapping;

import io.fhirflow.schema.HkQuantity;
import java.util.List;

/** HealthKit quantity sample: one Observation with a UCUM valueQuantity. */
final class QuantityShape implements ObservationShape {
  @Override
  public void build(SampleContext context, List<CatalogueEntry> entries) {
    CatalogueEntry entry = entries.get(0);
    HkQuantity body = Quantities.body(context, HkQuantity.class, entry);
    double value = Quantities.convert(entry, body.getValue(), body.getUnit());
    ObservationDraft observation = context.observation(entry, null);
    context.effective(observation);
    observation.value = SampleContext.quantity(entry, value);
    context.metric(entry, value, context.sample.getStartTime());
  }
}
