package io.fhirflow.topology.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast path for whole numbers gives exactly {@link BigDecimal#valueOf(double)}: equal unscaled
 * value and scale (BigDecimal.equals), not merely an equal number.
 */
class ExactDecimalTest {

  @Test
  void wholeNumbersAreValueOfsDecimalWithItsScale() {
    Random random = new Random(17);
    for (int i = 0; i < 200_000; i++) {
      double v = random.nextInt(20_000_001) - 10_000_000;
      assertSame(v);
    }
    assertThat(ExactDecimal.of(72)).isEqualTo(new BigDecimal("72.0"));
  }

  @Test
  void boundsSignsAndZerosAreValueOfs() {
    for (double v :
        new double[] {
          0.0,
          -0.0,
          1,
          -1,
          9_999_999,
          -9_999_999,
          1e7,
          -1e7,
          1e7 + 1,
          123_456_789,
          1e15,
          1e300,
          Math.pow(2, 53),
          Math.pow(2, 63),
          -Math.pow(2, 63),
          Double.MAX_VALUE,
          Double.MIN_VALUE
        }) {
      assertSame(v);
    }
  }

  @Test
  void fractionsAreValueOfs() {
    Random random = new Random(18);
    for (int i = 0; i < 100_000; i++) {
      assertSame(random.nextDouble() * 200 - 100);
      assertSame(Math.round(random.nextDouble() * 100_000) / 100.0);
    }
    for (double v : new double[] {0.1, 0.97, 0.001, 0.0001, 9_999_999.5, 1e-300}) {
      assertSame(v);
    }
  }

  @Test
  void notANumberFailsAsValueOfDoes() {
    assertThatThrownBy(() -> ExactDecimal.of(Double.NaN)).isInstanceOf(NumberFormatException.class);
    assertThatThrownBy(() -> ExactDecimal.of(Double.POSITIVE_INFINITY))
        .isInstanceOf(NumberFormatException.class);
  }

  private static void assertSame(double v) {
    BigDecimal expected = BigDecimal.valueOf(v);
    BigDecimal actual = ExactDecimal.of(v);
    assertThat(actual).as("%s", v).isEqualTo(expected);
    assertThat(actual.scale()).as("scale of %s", v).isEqualTo(expected.scale());
  }
}
