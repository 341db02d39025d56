package io.fhirflow.mapping;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * {@code target = (source + offset) * factor}: a row of {@code units.tsv}. The offset is applied
 * first so that degF to Cel is exact: (F - 32) * 5/9.
 */
public record UnitConversion(String from, String to, double factor, double offset) {
  /**
   * Twelve significant digits: removes binary floating-point noise from converted values (0.1 * 3).
   */
  private static final MathContext PRECISION = new MathContext(12);

  static UnitConversion identity(String unit) {
    return new UnitConversion(unit, unit, 1, 0);
  }

  public boolean isIdentity() {
    return factor == 1 && offset == 0;
  }

  /** The converted value; infinite when the conversion overflows a double (never throws). */
  public double apply(double value) {
    if (isIdentity()) {
      return value;
    }
    double converted = (value + offset) * factor;
    return Double.isFinite(converted)
        ? new BigDecimal(converted, PRECISION).doubleValue()
        : converted;
  }
}
