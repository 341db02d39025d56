package io.fhirflow.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirflow.mapping.testing.FhirResourceValidator;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The hand-written resources the sink's tests write are valid FHIR R4 (HAPI's validator). */
class FhirFixturesTest {

  private static final Instant UPDATED = Instant.parse("2026-11-26T08:00:01.123Z");
  private static final Instant AT = Instant.parse("2026-11-26T07:59:00Z");

  static Stream<String> fixtures() {
    return Stream.of(
        FhirFixtures.heartRate("obs-1", "pat-1", 3, UPDATED, 72, AT),
        FhirFixtures.heartRate("obs-2", "pat-1", 1, UPDATED, 61.5, AT),
        FhirFixtures.steps("obs-3", "pat-1", 1, UPDATED, 812, AT, AT.plusSeconds(900)),
        FhirFixtures.patient("pat-1", "user-42", 1, UPDATED),
        FhirFixtures.device("dev-1", 1, UPDATED));
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void isValidFhirR4(String json) {
    var errors = FhirResourceValidator.errors(json);
    assertThat(errors).as(FhirResourceValidator.describe(errors)).isEmpty();
  }
}
