package io.fhirflow.mapping;

import io.fhirflow.schema.HcInstantaneous;
import io.fhirflow.schema.HcInterval;
import io.fhirflow.schema.HcMeasurement;
import io.fhirflow.schema.HcSeries;
import java.util.List;
import java.util.Map;

/** Read access to the parts that Health Connect instantaneous, interval and series bodies share. */
final class HcRecords {
  private HcRecords() {}

  static List<HcMeasurement> measurements(SampleContext context, CatalogueEntry entry) {
    Object body = context.sample.getBody();
    if (body instanceof HcInstantaneous record) {
      return record.getMeasurements();
    }
    if (body instanceof HcInterval record) {
      return record.getMeasurements();
    }
    if (body instanceof HcSeries record) {
      return record.getMeasurements();
    }
    throw new SampleRejected(
        RejectReason.INVALID_SHAPE, entry.platformCode() + " expects a Health Connect body");
  }

  static Map<String, Integer> enums(SampleContext context) {
    Object body = context.sample.getBody();
    if (body instanceof HcInstantaneous record) {
      return record.getEnums();
    }
    if (body instanceof HcInterval record) {
      return record.getEnums();
    }
    if (body instanceof HcSeries record) {
      return record.getEnums();
    }
    return Map.of();
  }

  static HcMeasurement find(List<HcMeasurement> measurements, String field) {
    for (HcMeasurement measurement : measurements) {
      if (field.equals(measurement.getField())) {
        return measurement;
      }
    }
    return null;
  }
}
