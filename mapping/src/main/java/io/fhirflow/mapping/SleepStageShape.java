package io.fhirflow.mapping;

import io.fhirflow.contracts.FhirSystems;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;

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
    Observation observation =
        context.observation(entry, null, stage.loinc(), stage.loincDisplay(), entry.platformCode());
    context.effective(observation);
    java.math.BigDecimal minutes =
        SampleContext.minutes(context.sample.getStartTime(), context.sample.getEndTime());
    observation.setValue(
        new Quantity()
            .setValue(minutes)
            .setUnit(entry.unit())
            .setSystem(FhirSystems.UCUM)
            .setCode(entry.ucum()));
    context.sleepMetric(stage.loinc(), minutes, context.sample.getStartTime());
    observation
        .addComponent()
        .setCode(new CodeableConcept().addCoding(context.platformCoding(entry.valueSet())))
        .setValue(
            new CodeableConcept()
                .addCoding(context.platformCoding(stage.code()).setDisplay(stage.display())));
  }
}
