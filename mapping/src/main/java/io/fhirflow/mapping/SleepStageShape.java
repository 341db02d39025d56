package io.fhirflow.mapping;

import java.util.List;

/**
 * HealthKit sleep analysis sample: one stage interval. Coded with the stage's LOINC duration code
 * where one exists (deep 93831-6, core 93830-8, REM 93829-0, asleep 93832-4); the value is the
 * stage's length in minutes and the HealthKit stage is a component (coded with its value set name,
 * since obs-7 forbids repeating the Observation code), so in-bed and awake intervals keep their
 * meaning too.
 */
final class SleepStageShape implements ObservationShape {
  @Override
  public void build(SampleContext context, List<CatalogueEntry> entries) {
    CatalogueEntry entry = entries.get(0);
    CodedValue stage = CategoryShape.categoryValue(context, entry);
    ObservationDraft observation =
        context.observation(entry, null, stage.loinc(), stage.loincDisplay(), entry.platformCode());
    context.effective(observation);
    java.math.BigDecimal minutes =
        SampleContext.minutes(context.sample.getStartTime(), context.sample.getEndTime());
    observation.value = SampleContext.quantity(entry, minutes);
    context.sleepMetric(stage.loinc(), minutes, context.sample.getStartTime());
    observation.addComponent(
        ObservationDraft.Concept.of(context.platformCoding(entry.valueSet())),
        ObservationDraft.Concept.of(context.platformCoding(stage.code(), stage.display())));
  }
}
