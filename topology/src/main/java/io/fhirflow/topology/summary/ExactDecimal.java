package io.fhirflow.topology.summary;

import java.math.BigDecimal;

/**
 * A value's exact decimal as the summaries add it: {@link BigDecimal#valueOf(double)}, the double's
 * shortest decimal text, so 0.1 + 0.2 is 0.3 and the order of arrival does not matter.
 *
 * <p>Why not call it directly: it formats the double as text and parses the text back, and most
 * wearable values (steps, heart rate, minutes) are whole numbers, for which the result is known
 * without text. For a whole number of magnitude below 10^7 {@link Double#toString} writes the
 * digits and ".0", so {@code valueOf} gives unscaled value × 10 at scale 1: built here from the
 * long, the same {@link BigDecimal} (equal unscaled value and scale, so the same sums, encodings
 * and written text). Any other value goes through {@code valueOf}.
 */
final class ExactDecimal {

  /** Below this {@link Double#toString} writes plain digits, at or above it an exponent. */
  private static final double PLAIN_LIMIT = 1e7;

  private ExactDecimal() {}

  static BigDecimal of(double value) {
    if (value > -PLAIN_LIMIT && value < PLAIN_LIMIT) {
      long whole = (long) value;
      if (whole == value) {
        return BigDecimal.valueOf(whole * 10, 1);
      }
    }
    return BigDecimal.valueOf(value);
  }
}
