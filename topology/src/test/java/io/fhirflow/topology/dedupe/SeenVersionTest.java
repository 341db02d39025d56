package io.fhirflow.topology.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.topology.metrics.DayContribution;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeenVersionTest {

  /** A version seen without day contributions. */
  private static SeenVersion seen(long recordVersion, long modified) {
    return new SeenVersion(recordVersion, modified, List.of());
  }

  @Test
  void aHigherRecordVersionIsNewerWhateverTheModificationTime() {
    assertThat(seen(3, 10).isNewerThan(seen(2, 99))).isTrue();
    assertThat(seen(2, 99).isNewerThan(seen(3, 10))).isFalse();
  }

  @Test
  void withTheSameRecordVersionALaterModificationTimeIsNewerAndAnEqualOneIsNot() {
    assertThat(seen(0, 11).isNewerThan(seen(0, 10))).isTrue();
    assertThat(seen(0, 10).isNewerThan(seen(0, 10))).isFalse();
  }

  @Test
  void roundTripsThroughTheStoreFormatWithItsDayContributions() {
    SeenVersion v =
        new SeenVersion(
            7,
            Long.MIN_VALUE,
            List.of(
                new DayContribution("steps", 20_526, 1342, 1),
                new DayContribution("heart_rate", 20_526, 358, 5)));
    var serde = SeenVersion.serde();

    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", v)))
        .isEqualTo(v);
  }
}
