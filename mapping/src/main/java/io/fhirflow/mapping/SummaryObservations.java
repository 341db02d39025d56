package io.fhirflow.mapping;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.parser.IParser;
import io.fhirflow.contracts.FhirSystems;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * Builds the summary Observation of one patient, measure and period (docs/summaries.md "The
 * Observation"). Summaries are written once per period and change, not per sample, so HAPI's own
 * JSON parser is used rather than the mapper's hand-written encoder.
 */
public final class SummaryObservations {
  /** The most source Observations a summary lists in derivedFrom (the smallest ids). */
  public static final int DERIVED_FROM_MAX = 20;

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final ThreadLocal<IParser> PARSER = ThreadLocal.withInitial(FHIR::newJsonParser);

  private SummaryObservations() {}

  /**
   * The summary Observation.
   *
   * @param version 1 for the first emission (status final), then 2, 3, ... (status amended)
   * @param computedAt meta.lastUpdated: when this version was computed
   */
  public static FhirResource build(
      SummaryDefinition d,
      String patientId,
      long periodKey,
      int generation,
      SummaryFigures f,
      int version,
      Instant computedAt) {
    String label = d.period().label(periodKey);
    String id = ResourceIds.summary(patientId, d.measure(), label, generation);
    Observation o = new Observation();
    o.setId(id);
    o.getMeta().setVersionId(Integer.toString(version));
    o.getMeta()
        .setLastUpdatedElement(
            new InstantType(
                Date.from(computedAt),
                TemporalPrecisionEnum.MILLI,
                TimeZone.getTimeZone(java.time.ZoneOffset.UTC)));
    o.getMeta().addTag(FhirSystems.SUMMARY, "summary", "Summary");
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
    o.setSubject(new Reference("Patient/" + patientId));
    o.setEffective(
        new Period().setStartElement(dateTime(f.start())).setEndElement(dateTime(f.end())));
    switch (d.aggregate()) {
      case SUM -> o.setValue(quantity(d, f.sum()));
      case MEAN -> o.setValue(quantity(d, mean(f)));
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
        case AVERAGE -> c.setValue(quantity(d, mean(f)));
        case COUNT -> c.setValue(new IntegerType(Math.toIntExact(f.count())));
      }
    }
    for (String source : f.derivedFrom()) {
      o.addDerivedFrom(new Reference("Observation/" + source));
    }
    return new FhirResource("Observation", id, PARSER.get().encodeResourceToString(o));
  }

  /** A figure as written: rounded half-even to the row's decimals, trailing zeros dropped. */
  public static BigDecimal written(SummaryDefinition d, BigDecimal value) {
    BigDecimal rounded = value.setScale(d.decimals(), RoundingMode.HALF_EVEN).stripTrailingZeros();
    return rounded.scale() < 0 ? rounded.setScale(0, RoundingMode.UNNECESSARY) : rounded;
  }

  /** The exact mean (to 20 significant digits before it is rounded as written). */
  public static BigDecimal mean(SummaryFigures f) {
    return f.sum().divide(BigDecimal.valueOf(f.count()), MathContext.DECIMAL128);
  }

  private static Quantity quantity(SummaryDefinition d, BigDecimal value) {
    return new Quantity()
        .setValue(written(d, value))
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
