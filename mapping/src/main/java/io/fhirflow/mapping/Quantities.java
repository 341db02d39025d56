package io.fhirflow.mapping;

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
