package io.fhirflow.stack.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CompatibilityLevelTest {

  static Schema record(String fields) {
    return new Schema.Parser()
        .parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + fields + "]}");
  }

  static final Schema A = record("{\"name\":\"a\",\"type\":\"int\"}");
  static final Schema A_B =
      record("{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\"}");
  static final Schema A_B_DEFAULT =
      record(
          "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}");
  static final Schema B_DEFAULT = record("{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}");

  /**
   * BACKWARD lets the new schema read old data when added fields have defaults; FULL needs both
   * directions, so it refuses the same addition without a default.
   */
  @ParameterizedTest
  @EnumSource(names = {"BACKWARD", "FULL"})
  void anAddedFieldNeedsADefault(CompatibilityLevel level) {
    assertThat(level.incompatibilities(A_B_DEFAULT, List.of(A))).isEmpty();
    assertThat(level.incompatibilities(A_B, List.of(A))).isNotEmpty();
  }

  @Test
  void forwardLetsOldReadersReadNewDataSoRemovingAFieldWithoutDefaultFails() {
    assertThat(CompatibilityLevel.FORWARD.incompatibilities(A_B, List.of(A))).isEmpty();
    assertThat(CompatibilityLevel.FORWARD.incompatibilities(A, List.of(A_B)))
        .singleElement()
        .asString()
        .startsWith("FORWARD");
  }

  @Test
  void onlyTransitiveLevelsLookBeyondTheLatestVersion() {
    // The oldest version wrote b as an int, which a reader expecting a string cannot take.
    Schema bInt = record("{\"name\":\"b\",\"type\":\"int\"}");
    List<Schema> history = List.of(bInt, A_B_DEFAULT);
    Schema candidate = B_DEFAULT;

    assertThat(CompatibilityLevel.BACKWARD.incompatibilities(candidate, history)).isEmpty();
    assertThat(CompatibilityLevel.BACKWARD_TRANSITIVE.incompatibilities(candidate, history))
        .isNotEmpty();
  }

  @Test
  void noneAcceptsEverythingAndAnEmptyHistoryAcceptsEverything() {
    assertThat(CompatibilityLevel.NONE.incompatibilities(A, List.of(A_B))).isEmpty();
    assertThat(CompatibilityLevel.FULL_TRANSITIVE.incompatibilities(A, List.of())).isEmpty();
  }

  @Test
  void parsesLevelNamesCaseInsensitively() {
    assertThat(CompatibilityLevel.parse("full_transitive"))
        .isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
  }
}
