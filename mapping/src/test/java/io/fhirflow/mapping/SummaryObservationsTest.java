package io.fhirflow.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.parser.IParser;
import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.mapping.testing.FhirResourceValidator;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TimeZone;
import java.util.UUID;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The summary JSON written by hand equals, byte for byte, HAPI's encoding of the same Observation
 * built with HAPI's model (the way summaries were built before), for every row of the built-in
 * summaries catalogue and figures in many shapes; and it passes HAPI's validator.
 */
class SummaryObservationsTest {
  private static final MappingCatalogue CATALOGUE = MappingCatalogue.builtIn();
  private static final SummaryCatalogue SUMMARIES = SummaryCatalogue.builtIn(CATALOGUE);
  private static final IParser HAPI_JSON = FhirResourceValidator.context().newJsonParser();
  private static final String PATIENT = "6f1d0c1e-8a3b-5c2d-9e4f-0a1b2c3d4e5f";

  static Stream<SummaryDefinition> definitions() {
    return SUMMARIES.definitions().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("definitions")
  void writesExactlyWhatHapiWritesForTheSameObservation(SummaryDefinition d) {
    SplittableRandom random = new SplittableRandom(d.measure().hashCode());
    for (int i = 0; i < 200; i++) {
      SummaryFigures f = figures(random, i);
      long periodKey = periodKey(d, random);
      int generation = i % 7 == 0 ? 1 + random.nextInt(3) : 0;
      int version = 1 + random.nextInt(4);
      // Whole seconds too: HAPI keeps the three millisecond digits.
      Instant computedAt =
          Instant.ofEpochMilli(1_780_000_000_000L + random.nextLong(100_000_000_000L));
      if (i % 3 == 0) {
        computedAt = computedAt.truncatedTo(ChronoUnit.SECONDS);
      }
      Emission e = new Emission(d, tenant(i), periodKey, generation, f, version, computedAt);
      FhirResource written = e.written();
      Observation model = hapiModel(e);
      assertThat(written.json()).isEqualTo(HAPI_JSON.encodeResourceToString(model));
      assertThat(written.id()).isEqualTo(model.getIdElement().getIdPart());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("definitions")
  void isValidFhir(SummaryDefinition d) {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 3; i++) {
      FhirResource written =
          SummaryObservations.build(
              d,
              tenant(i),
              PATIENT,
              periodKey(d, random),
              i,
              figures(random, i),
              1 + i,
              Instant.parse("2026-12-06T03:30:00.250Z"));
      assertThat(FhirResourceValidator.describe(FhirResourceValidator.errors(written.json())))
          .as(written.json())
          .isEmpty();
    }
  }

  private static long periodKey(SummaryDefinition d, SplittableRandom random) {
    long day = 20_000 + random.nextInt(800);
    return d.period() == SummaryPeriod.HOUR ? day * 86_400L + 3_600L * random.nextInt(24) : day;
  }

  /**
   * Sums with and without decimals (steps, kcal with many digits, minutes), small and large counts,
   * zones east and west of UTC, UTC itself and half-hour offsets, 0 to 20 sources.
   */
  private static SummaryFigures figures(SplittableRandom random, int i) {
    int[] offsets = {3600, 0, -7 * 3600, 19_800, 7200, -12_600, 45_900};
    ZoneOffset startOffset = ZoneOffset.ofTotalSeconds(offsets[i % offsets.length]);
    ZoneOffset endOffset =
        i % 5 == 0 ? ZoneOffset.ofTotalSeconds(offsets[(i + 2) % offsets.length]) : startOffset;
    long start = 1_780_000_000L + random.nextLong(50_000_000L);
    BigDecimal sum =
        switch (i % 4) {
          case 0 -> BigDecimal.valueOf(random.nextInt(40_000));
          case 1 ->
              BigDecimal.valueOf(random.nextDouble() * 3000).setScale(6, RoundingMode.HALF_UP);
          case 2 -> new BigDecimal("0.1").add(new BigDecimal("0.2"));
          default -> BigDecimal.valueOf(random.nextLong(1_000_000_000L), 3);
        };
    long count = 1 + random.nextInt(i % 2 == 0 ? 5 : 5000);
    double min = i % 3 == 0 ? 40 + random.nextInt(20) : 40 + random.nextDouble() * 20;
    double max = min + random.nextInt(100) + (i % 2 == 0 ? 0.25 : 0);
    List<String> sources = new ArrayList<>();
    int n = i % 4 == 3 ? 0 : random.nextInt(SummaryObservations.DERIVED_FROM_MAX + 1);
    for (int k = 0; k < n; k++) {
      sources.add(new UUID(random.nextLong(), random.nextLong()).toString());
    }
    return new SummaryFigures(
        sum,
        count,
        min,
        max,
        OffsetDateTime.ofInstant(Instant.ofEpochSecond(start), startOffset),
        OffsetDateTime.ofInstant(Instant.ofEpochSecond(start + 86_400L), endOffset),
        sources);
  }

  /** Both tenants' summaries: the default tenant and another. */
  private static String tenant(int i) {
    return i % 2 == 0 ? "default" : "acme";
  }

  /** One summary's inputs (for {@link #PATIENT}), given both to SummaryObservations and HAPI. */
  private record Emission(
      SummaryDefinition d,
      String tenant,
      long periodKey,
      int generation,
      SummaryFigures f,
      int version,
      Instant computedAt) {

    FhirResource written() {
      return SummaryObservations.build(
          d, tenant, PATIENT, periodKey, generation, f, version, computedAt);
    }
  }

  /** The summary as HAPI's model, as SummaryObservations built it before it wrote JSON itself. */
  static Observation hapiModel(Emission e) {
    SummaryDefinition d = e.d();
    SummaryFigures f = e.f();
    int version = e.version();
    String label = d.period().label(e.periodKey());
    Observation o = new Observation();
    o.setId(ResourceIds.summary(PATIENT, d.measure(), label, e.generation()));
    o.getMeta().setVersionId(Integer.toString(version));
    o.getMeta()
        .setLastUpdatedElement(
            new InstantType(
                Date.from(e.computedAt()),
                TemporalPrecisionEnum.MILLI,
                TimeZone.getTimeZone(ZoneOffset.UTC)));
    o.getMeta().addTag(FhirSystems.SUMMARY, "summary", "Summary");
    o.getMeta().addTag(FhirSystems.TENANT, e.tenant(), null);
    o.addIdentifier().setSystem(FhirSystems.SID_SUMMARY).setValue(d.measure() + "/" + label);
    o.setStatus(
        version <= 1 ? Observation.ObservationStatus.FINAL : Observation.ObservationStatus.AMENDED);
    if (d.category() != null) {
      o.addCategory()
          .addCoding()
          .setSystem(FhirSystems.OBSERVATION_CATEGORY)
          .setCode(d.category())
          .setDisplay(SampleContext.CATEGORY_DISPLAYS.get(d.category()));
    }
    o.addCategory().addCoding().setSystem(FhirSystems.SUMMARY).setCode(d.period().categoryCode());
    CodeableConcept code = o.getCode();
    code.addCoding().setSystem(FhirSystems.LOINC).setCode(d.loinc()).setDisplay(d.loincDisplay());
    if (d.alsoLoinc() != null) {
      code.addCoding()
          .setSystem(FhirSystems.LOINC)
          .setCode(d.alsoLoinc())
          .setDisplay(d.alsoLoincDisplay());
    }
    code.addCoding().setSystem(FhirSystems.SUMMARY).setCode(d.measure());
    code.setText(d.name());
    o.setSubject(new Reference("Patient/" + PATIENT));
    o.setEffective(
        new Period().setStartElement(dateTime(f.start())).setEndElement(dateTime(f.end())));
    switch (d.aggregate()) {
      case SUM -> o.setValue(quantity(d, f.sum()));
      case MEAN -> o.setValue(quantity(d, SummaryObservations.mean(f)));
      case STATS -> {}
    }
    for (SummaryStatistic s : d.components()) {
      Observation.ObservationComponentComponent c = o.addComponent();
      c.getCode()
          .addCoding()
          .setSystem(FhirSystems.OBSERVATION_STATISTICS)
          .setCode(s.code())
          .setDisplay(s.display());
      switch (s) {
        case MINIMUM -> c.setValue(quantity(d, SampleContext.decimal(f.min())));
        case MAXIMUM -> c.setValue(quantity(d, SampleContext.decimal(f.max())));
        case AVERAGE -> c.setValue(quantity(d, SummaryObservations.mean(f)));
        case COUNT -> c.setValue(new IntegerType(Math.toIntExact(f.count())));
      }
    }
    for (String source : f.derivedFrom()) {
      o.addDerivedFrom(new Reference("Observation/" + source));
    }
    return o;
  }

  private static Quantity quantity(SummaryDefinition d, BigDecimal value) {
    return new Quantity()
        .setValue(SummaryObservations.written(d, value))
        .setUnit(d.unit())
        .setSystem(FhirSystems.UCUM)
        .setCode(d.ucum());
  }

  private static DateTimeType dateTime(OffsetDateTime time) {
    return new DateTimeType(
        Date.from(time.toInstant()),
        TemporalPrecisionEnum.SECOND,
        TimeZone.getTimeZone(time.getOffset()));
  }
}
