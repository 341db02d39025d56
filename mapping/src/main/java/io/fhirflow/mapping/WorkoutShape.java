package io.fhirflow.mapping;

import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.schema.HkWorkout;
import io.fhirflow.schema.HkWorkoutStatistic;
import java.util.ArrayList;
import java.util.List;

/**
 * HealthKit workout: exercise activity 73985-4 valued with the activity type; the duration and each
 * total (energy, distance, strokes, flights) become components coded and converted by their own
 * quantity rows.
 */
final class WorkoutShape implements ObservationShape {
  static final String EXERCISE_DURATION_LOINC = "55411-3";

  /** The code of the exercise-duration component, here and in Health Connect's sessions. */
  static final ObservationDraft.Concept EXERCISE_DURATION =
      ObservationDraft.Concept.of(
          new ObservationDraft.Coding(
              FhirSystems.LOINC, EXERCISE_DURATION_LOINC, "Exercise duration"));

  @Override
  public void build(SampleContext context, List<CatalogueEntry> entries) {
    CatalogueEntry entry = entries.get(0);
    HkWorkout body = Quantities.body(context, HkWorkout.class, entry);
    if (body.getActivityType() == null || body.getActivityType().isBlank()) {
      throw new SampleRejected(
          RejectReason.INVALID_SHAPE, entry.platformCode() + " lacks an activity type");
    }
    ObservationDraft observation = context.observation(entry, null);
    context.effective(observation);
    observation.value = ObservationDraft.Concept.of(context.platformCoding(body.getActivityType()));
    Double seconds = body.getDurationSeconds();
    if (seconds != null) {
      if (!Double.isFinite(seconds) || seconds < 0) {
        throw new SampleRejected(
            seconds < 0 ? RejectReason.OUT_OF_RANGE : RejectReason.NOT_FINITE,
            entry.platformCode() + " duration");
      }
      observation.addComponent(
          EXERCISE_DURATION,
          new ObservationDraft.Quantity(
              SampleContext.decimal(Math.round(seconds / 60.0 * 1000) / 1000.0),
              "min",
              FhirSystems.UCUM,
              "min"));
    }
    for (HkWorkoutStatistic statistic : body.getTotals()) {
      CatalogueEntry total =
          context.healthKitEntry(
              statistic.getType(), () -> entry.platformCode() + " statistic type not in catalogue");
      Double raw = firstPresent(statistic);
      if (raw == null || total.ucum() == null) {
        continue;
      }
      double value = Quantities.convert(total, raw, statistic.getUnit());
      List<ObservationDraft.Coding> codings = new ArrayList<>(2);
      if (total.loinc() != null) {
        codings.add(
            new ObservationDraft.Coding(FhirSystems.LOINC, total.loinc(), total.loincDisplay()));
      }
      codings.add(context.platformCoding(total.type()));
      observation.addComponent(
          new ObservationDraft.Concept(codings, null), SampleContext.quantity(total, value));
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
