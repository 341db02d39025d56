package io.fhirflow.mapping;

import io.fhirflow.schema.HcInterval;
import io.fhirflow.schema.HcStage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Health Connect sleep session: a session Observation (sleep duration 93832-4, minutes asleep)
 * whose hasMember point at one Observation per stage, coded by stage (deep 93831-6, light 93830-8,
 * REM 93829-0, ...). Without stages the whole session counts as asleep. Stages must lie inside the
 * session.
 */
final class SleepSessionShape implements ObservationShape {
  static final String STAGE_VALUE_SET = "SleepSessionRecord.stage";

  /**
   * HcStage.kind of a sleep stage (null also means a sleep stage: the field came with schema
   * version 2).
   */
  private static final String SLEEP_STAGE_KIND = "sleepStage";

  /** Stage values that count as asleep: sleeping, light, deep, REM. */
  private static final List<Integer> ASLEEP = List.of(2, 4, 5, 6);

  @Override
  public void build(SampleContext context, List<CatalogueEntry> entries) {
    CatalogueEntry entry = entries.get(0);
    HcInterval body = Quantities.body(context, HcInterval.class, entry);
    Instant start = context.sample.getStartTime();
    Instant end = context.sample.getEndTime();
    ObservationDraft session = context.observation(entry, null);
    context.effective(session);
    long asleepMillis = body.getStages().isEmpty() ? end.toEpochMilli() - start.toEpochMilli() : 0;
    List<ObservationDraft> stages = new ArrayList<>();
    for (HcStage stage : body.getStages()) {
      if (stage.getKind() != null && !SLEEP_STAGE_KIND.equals(stage.getKind())) {
        continue;
      }
      if (stage.getStartTime().isBefore(start)
          || stage.getEndTime().isAfter(end)
          || stage.getEndTime().isBefore(stage.getStartTime())) {
        throw new SampleRejected(
            RejectReason.INVALID_SHAPE, entry.platformCode() + " stage outside the session");
      }
      CodedValue coded =
          context
              .catalogue
              .codedValue(STAGE_VALUE_SET, stage.getStage())
              .orElseThrow(
                  () ->
                      new SampleRejected(
                          RejectReason.INVALID_SHAPE,
                          entry.platformCode() + " stage is not in " + STAGE_VALUE_SET));
      if (ASLEEP.contains(stage.getStage())) {
        asleepMillis += stage.getEndTime().toEpochMilli() - stage.getStartTime().toEpochMilli();
      }
      ObservationDraft member =
          context.observation(
              entry,
              "stage/" + stage.getStartTime().toEpochMilli(),
              coded.loinc(),
              coded.loincDisplay(),
              "SleepSessionRecord." + coded.code());
      context.effective(
          member,
          stage.getStartTime(),
          stage.getEndTime(),
          context.sample.getStartZoneOffsetSeconds(),
          context.sample.getEndZoneOffsetSeconds());
      BigDecimal stageMinutes = SampleContext.minutes(stage.getStartTime(), stage.getEndTime());
      member.value = SampleContext.quantity(entry, stageMinutes);
      stages.add(member);
      if (ASLEEP.contains(stage.getStage())) {
        context.sleepMetric(coded.loinc(), stageMinutes, stage.getStartTime());
      }
    }
    BigDecimal asleep = SampleContext.minutes(Instant.EPOCH, Instant.ofEpochMilli(asleepMillis));
    session.value = SampleContext.quantity(entry, asleep);
    if (body.getStages().isEmpty()) {
      // A session without stages counts whole as asleep, as its own value does.
      context.sleepMetric(entry.loinc(), asleep, start);
    }
    for (ObservationDraft member : stages) {
      session.addHasMember("Observation/" + member.id);
    }
    context.metric(entry, asleep.doubleValue(), start);
  }
}
