package io.fhirflow.mapping;

import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.schema.HkWorkout;
import io.fhirflow.schema.HkWorkoutStatistic;
import io.fhirflow.schema.Platform;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;

/**
 * HealthKit workout: exercise activity 73985-4 valued with the activity type; the duration and each
 * total (energy, distance, strokes, flights) become components coded and converted by their own
 * quantity rows.
 */
final class WorkoutShape implements ObservationShape {
  static final String EXERCISE_DURATION_LOINC = "55411-3";

  @Override
  public void build(SampleContext context, List<CatalogueEntry> entries) {
    CatalogueEntry entry = entries.get(0);
    HkWorkout body = Quantities.body(context, HkWorkout.class, entry);
    if (body.getActivityType() == null || body.getActivityType().isBlank()) {
      throw new SampleRejected(
          RejectReason.INVALID_SHAPE, entry.platformCode() + " lacks an activity type");
    }
    Observation observation = context.observation(entry, null);
    context.effective(observation);
    observation.setValue(
        new CodeableConcept().addCoding(context.platformCoding(body.getActivityType())));
    Double seconds = body.getDurationSeconds();
    if (seconds != null) {
      if (!Double.isFinite(seconds) || seconds < 0) {
        throw new SampleRejected(
            seconds < 0 ? RejectReason.OUT_OF_RANGE : RejectReason.NOT_FINITE,
            entry.platformCode() + " duration");
      }
      observation
          .addComponent()
          .setCode(
              new CodeableConcept()
                  .addCoding(
                      new Coding(FhirSystems.LOINC, EXERCISE_DURATION_LOINC, "Exercise duration")))
          .setValue(
              new org.hl7.fhir.r4.model.Quantity()
                  .setValue(SampleContext.decimal(Math.round(seconds / 60.0 * 1000) / 1000.0))
                  .setUnit("min")
                  .setSystem(FhirSystems.UCUM)
                  .setCode("min"));
    }
    for (HkWorkoutStatistic statistic : body.getTotals()) {
      CatalogueEntry total =
          context
              .catalogue
              .entry(Platform.HEALTHKIT, statistic.getType())
              .orElseThrow(
                  () ->
                      new SampleRejected(
                          RejectReason.UNKNOWN_TYPE,
                          entry.platformCode() + " statistic type not in catalogue"));
      Double raw = firstPresent(statistic);
      if (raw == null || total.ucum() == null) {
        continue;
      }
      double value = Quantities.convert(total, raw, statistic.getUnit());
      CodeableConcept code = new CodeableConcept();
      if (total.loinc() != null) {
        code.addCoding(new Coding(FhirSystems.LOINC, total.loinc(), total.loincDisplay()));
      }
      code.addCoding(context.platformCoding(total.type()));
      observation.addComponent().setCode(code).setValue(SampleContext.quantity(total, value));
    }
  }

  /** A total if HealthKit gave one, else the average, else the maximum, else the minimum. */
  private static Double firstPresent(HkWorkoutStatistic statistic) {
    if (statistic.getSum() != null) {
      return statistic.getSum();
    }
    if (statistic.getAverage() != null) {
      return statistic.getAverage();
    }
    return statistic.getMaximum() != null ? statistic.getMaximum() : statistic.getMinimum();
  }
}
