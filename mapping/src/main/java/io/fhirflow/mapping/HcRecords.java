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

  /** The shared parts of one Health Connect body (the Avro classes have no common interface). */
  private record Parts(List<HcMeasurement> measurements, Map<String, Integer> enums) {}

  static List<HcMeasurement> measurements(SampleContext context, CatalogueEntry entry) {
    Parts parts = parts(context);
    if (parts == null) {
      throw new SampleRejected(
          RejectReason.INVALID_SHAPE, entry.platformCode() + " expects a Health Connect body");
    }
    return parts.measurements();
  }

  static Map<String, Integer> enums(SampleContext context) {
    Parts parts = parts(context);
    return parts == null ? Map.of() : parts.enums();
  }

  static HcMeasurement find(List<HcMeasurement> measurements, String field) {
    for (HcMeasurement measurement : measurements) {
      if (field.equals(measurement.getField())) {
        return measurement;
      }
    }
    return null;
  }

  /** The one place that knows which bodies are Health Connect ones; null for any other body. */
  private static Parts parts(SampleContext context) {
    Object body = context.sample.getBody();
    if (body instanceof HcInstantaneous record) {
      return new Parts(record.getMeasurements(), record.getEnums());
    }
    if (body instanceof HcInterval record) {
      return new Parts(record.getMeasurements(), record.getEnums());
    }
    if (body instanceof HcSeries record) {
      return new Parts(record.getMeasurements(), record.getEnums());
    }
    return null;
  }
}
