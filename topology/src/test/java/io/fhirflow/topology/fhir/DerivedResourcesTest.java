package io.fhirflow.topology.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.topology.metrics.DayContribution;
import java.util.List;
import org.junit.jupiter.api.Test;

class DerivedResourcesTest {

  private static final String A = "0b4a6c2e-1f3d-5a7b-9c8d-0e1f2a3b4c5d";
  private static final String B = "1c5b7d3f-2a4e-5b8c-8d9e-1f2a3b4c5d6e";

  @Test
  void roundTripsIdsAsSixteenBytesEachWithTheLatestDayShares() {
    DerivedResources live =
        new DerivedResources(
            false, List.of(A, B), List.of(new DayContribution("steps", 20_526, 1342, 1)));
    var serde = DerivedResources.serde();

    byte[] bytes = serde.serializer().serialize("t", live);

    assertThat(bytes).hasSize(1 + 4 + 2 * 16 + 4 + 4 + "steps".length() + 24);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(live);
  }

  @Test
  void aDeletedRecordIsOneByte() {
    var serde = DerivedResources.serde();

    byte[] bytes = serde.serializer().serialize("t", DerivedResources.DELETED);

    assertThat(bytes).hasSize(1);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(DerivedResources.DELETED);
  }

  @Test
  void aNewVersionKeepsItsOwnIdsAndDaySharesOnly() {
    DerivedResources v1 =
        DerivedResources.merge(null, List.of(A), List.of(new DayContribution("steps", 1, 10, 1)));
    DerivedResources v2 =
        DerivedResources.merge(v1, List.of(B, A), List.of(new DayContribution("steps", 1, 12, 1)));

    assertThat(v2.observationIds()).containsExactly(B, A);
    // A is retracted by the map step when a version drops it; the store then forgets it.
    assertThat(DerivedResources.merge(v2, List.of(B), v2.contributions()).observationIds())
        .containsExactly(B);
    assertThat(v2.contributions()).containsExactly(new DayContribution("steps", 1, 12, 1));
    assertThat(DerivedResources.merge(v2, List.of(B, A), v2.contributions())).isEqualTo(v2);
  }
}
