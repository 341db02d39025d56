package io.fhirflow.mapping;

import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.schema.HcInterval;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Health Connect exercise session (and planned session): exercise activity 73985-4 valued with the
 * exercise type constant; the session length is a component. Record fields with a row of their own
 * (rate of perceived exertion) become Observations through their MEASUREMENT rows.
 */
final class ExerciseSessionShape implements ObservationShape {
  @Override
  public void build(SampleContext context, List<CatalogueEntry> entries) {
    CatalogueEntry entry = entries.get(0);
    HcInterval body = Quantities.body(context, HcInterval.class, entry);
    Map<String, Integer> enums = body.getEnums();
    Integer exerciseType = enums.get("exerciseType");
    if (exerciseType == null) {
      throw new SampleRejected(
          RejectReason.INVALID_SHAPE, entry.platformCode() + " lacks exerciseType");
    }
    ObservationDraft observation = context.observation(entry, null);
    context.effective(observation);
    CodedValue coded = context.catalogue.codedValue(entry.valueSet(), exerciseType).orElse(null);
    observation.value =
        coded == null
            ? new ObservationDraft.IntegerValue(exerciseType)
            : HcEnums.codeableConcept(context, coded);
    observation.addComponent(
        WorkoutShape.EXERCISE_DURATION,
        new ObservationDraft.Quantity(
            SampleContext.minutes(context.sample.getStartTime(), context.sample.getEndTime()),
            "min",
            FhirSystems.UCUM,
            "min"));
    HcEnums.addComponents(context, observation, entry.type(), enums, Set.of("exerciseType"));
  }
}
