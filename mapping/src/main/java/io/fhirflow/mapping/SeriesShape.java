package io.fhirflow.mapping;

import io.fhirflow.schema.HcSeries;
import io.fhirflow.schema.HcSeriesSample;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Health Connect series record (HeartRateRecord, SpeedRecord, PowerRecord, cadence, skin
 * temperature deltas): one Observation per sample, id from the record id and the sample time,
 * effectiveDateTime at the sample time. Samples outside the record's interval are a broken record
 * and reject it.
 */
final class SeriesShape implements ObservationShape {
  @Override
  public void build(SampleContext context, List<CatalogueEntry> entries) {
    CatalogueEntry entry = entries.get(0);
    HcSeries body = Quantities.body(context, HcSeries.class, entry);
    List<HcSeriesSample> samples = Quantities.nonEmpty(body.getSamples(), entry, "samples");
    Instant start = context.sample.getStartTime();
    Instant end = context.sample.getEndTime();
    for (HcSeriesSample sample : samples) {
      Instant time = sample.getTime();
      if (time.isBefore(start) || time.isAfter(end)) {
        throw new SampleRejected(
            RejectReason.INVALID_SHAPE, entry.platformCode() + " sample outside the record");
      }
      double value = Quantities.convert(entry, sample.getValue(), sample.getUnit());
      ObservationDraft observation = context.observation(entry, Long.toString(time.toEpochMilli()));
      context.effective(
          observation,
          time,
          time,
          context.sample.getStartZoneOffsetSeconds(),
          context.sample.getStartZoneOffsetSeconds());
      observation.value = SampleContext.quantity(entry, value);
      HcEnums.addComponents(context, observation, entry.type(), body.getEnums(), Set.of());
      context.metric(entry, value, time);
    }
  }
}
