package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text[] literal quotes every element and escapes only quote and backslash. */
class ArrayLiteralTest {

  @Test
  void plainValuesAreQuotedWhole() {
    assertThat(ArrayLiteral.of(List.of("http://loinc.org|8867-4", "vital-signs")))
        .isEqualTo("{\"http://loinc.org|8867-4\",\"vital-signs\"}");
  }

  @Test
  void quotesAndBackslashesAreEscapedAndNothingElse() {
    assertThat(ArrayLiteral.of(List.of("a\"b", "c\\d", "NULL", "{x, y}", "")))
        .isEqualTo("{\"a\\\"b\",\"c\\\\d\",\"NULL\",\"{x, y}\",\"\"}");
  }

  @Test
  void anEmptyListIsAnEmptyArrayAndNullIsNull() {
    assertThat(ArrayLiteral.of(List.of())).isEqualTo("{}");
    assertThat(ArrayLiteral.of(null)).isNull();
    assertThat(ArrayLiteral.of(Arrays.asList("only"))).isEqualTo("{\"only\"}");
  }
}
