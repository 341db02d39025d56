package io.fhirflow.mapping;

import java.util.List;

/**
 * Unit conversion and range checks shared by the shapes; rejection details name types and units,
 * never values.
 */
final class Quantities {
  private Quantities() {}

  /**
   * The value converted into the entry's UCUM unit, after checking it is finite, convertible and in
   * range.
   */
  static double convert(CatalogueEntry entry, double value, String unit) {
    if (!Double.isFinite(value)) {
      throw new SampleRejected(
          RejectReason.NOT_FINITE, entry.platformCode() + " value is not finite");
    }
    UnitConversion conversion = unit == null ? null : entry.sourceUnits().get(unit);
    if (conversion == null) {
      throw new SampleRejected(
          RejectReason.UNCONVERTIBLE_UNIT,
          entry.platformCode() + " does not accept unit '" + SampleRejected.printable(unit) + "'");
    }
    double converted = conversion.apply(value);
    // A finite value can overflow in conversion (1e308 lb in kg): that is out of range too.
    if (!Double.isFinite(converted) || !entry.inRange(converted)) {
      throw new SampleRejected(
          RejectReason.OUT_OF_RANGE,
          entry.platformCode()
              + " value outside ["
              + entry.min()
              + ", "
              + entry.max()
              + "] "
              + entry.ucum());
    }
    return converted;
  }

  /**
   * {@code parts}, the members or samples a record is made of, when it has any; a record with none
   * is a broken record, rejected as {@link RejectReason#INVALID_SHAPE}.
   */
  static <T> List<T> nonEmpty(List<T> parts, CatalogueEntry entry, String what) {
    if (parts.isEmpty()) {
      throw new SampleRejected(
          RejectReason.INVALID_SHAPE, entry.platformCode() + " has no " + what);
    }
    return parts;
  }

  static <T> T body(SampleContext context, Class<T> type, CatalogueEntry entry) {
    Object body = context.sample.getBody();
    if (!type.isInstance(body)) {
      throw new SampleRejected(
          RejectReason.INVALID_SHAPE,
          entry.platformCode()
              + " expects a "
              + type.getSimpleName()
              + " body, got "
              + (body == null ? "none" : body.getClass().getSimpleName()));
    }
    return type.cast(body);
  }
}
