package io.fhirflow.topology.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.topology.metrics.DayContribution;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeenVersionTest {

  @Test
  void aHigherRecordVersionIsNewerWhateverTheModificationTime() {
    assertThat(new SeenVersion(3, 10, List.of()).isNewerThan(new SeenVersion(2, 99, List.of())))
        .isTrue();
    assertThat(new SeenVersion(2, 99, List.of()).isNewerThan(new SeenVersion(3, 10, List.of())))
        .isFalse();
  }

  @Test
  void withTheSameRecordVersionALaterModificationTimeIsNewerAndAnEqualOneIsNot() {
    assertThat(new SeenVersion(0, 11, List.of()).isNewerThan(new SeenVersion(0, 10, List.of())))
        .isTrue();
    assertThat(new SeenVersion(0, 10, List.of()).isNewerThan(new SeenVersion(0, 10, List.of())))
        .isFalse();
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
