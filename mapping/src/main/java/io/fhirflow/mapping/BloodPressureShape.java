package io.fhirflow.mapping;

import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.schema.HcInstantaneous;
import io.fhirflow.schema.HcMeasurement;
import io.fhirflow.schema.HkCorrelation;
import io.fhirflow.schema.HkCorrelationMember;
import io.fhirflow.schema.Platform;
import java.util.List;
import java.util.Set;

/**
 * Blood pressure as the R4 {@code bp} profile wants it: panel 85354-9 without a value of its own,
 * systolic 8480-6 and diastolic 8462-4 as mm[Hg] components. The component codes are fixed by the
 * profile, not by the catalogue. HealthKit sends a correlation whose members are the two quantity
 * samples (converted and range-checked with their own catalogue rows); Health Connect sends one
 * record with both fields and body position / cuff site.
 */
final class BloodPressureShape implements ObservationShape {
  static final String SYSTOLIC_TYPE = "HKQuantityTypeIdentifierBloodPressureSystolic";
  static final String DIASTOLIC_TYPE = "HKQuantityTypeIdentifierBloodPressureDiastolic";

  @Override
  public void build(SampleContext context, List<CatalogueEntry> entries) {
    CatalogueEntry panel = entries.get(0);
    double systolic;
    double diastolic;
    CatalogueEntry systolicEntry;
    CatalogueEntry diastolicEntry;
    if (context.sample.getPlatform() == Platform.HEALTHKIT) {
      HkCorrelation body = Quantities.body(context, HkCorrelation.class, panel);
      systolicEntry = memberEntry(context, SYSTOLIC_TYPE);
      diastolicEntry = memberEntry(context, DIASTOLIC_TYPE);
      HkCorrelationMember systolicMember = member(body, SYSTOLIC_TYPE, panel);
      HkCorrelationMember diastolicMember = member(body, DIASTOLIC_TYPE, panel);
      systolic =
          Quantities.convert(systolicEntry, systolicMember.getValue(), systolicMember.getUnit());
      diastolic =
          Quantities.convert(diastolicEntry, diastolicMember.getValue(), diastolicMember.getUnit());
    } else {
      HcInstantaneous body = Quantities.body(context, HcInstantaneous.class, panel);
      systolicEntry = panel;
      diastolicEntry = panel;
      HcMeasurement systolicField = field(body.getMeasurements(), "systolic", panel);
      HcMeasurement diastolicField = field(body.getMeasurements(), "diastolic", panel);
      systolic = Quantities.convert(panel, systolicField.getValue(), systolicField.getUnit());
      diastolic = Quantities.convert(panel, diastolicField.getValue(), diastolicField.getUnit());
    }
    ObservationDraft observation = context.observation(panel, null);
    context.effective(observation);
    component(observation, "8480-6", "Systolic blood pressure", systolic);
    component(observation, "8462-4", "Diastolic blood pressure", diastolic);
    if (context.sample.getBody() instanceof HcInstantaneous record) {
      HcEnums.addComponents(context, observation, panel.type(), record.getEnums(), Set.of());
    }
    if (systolicEntry != panel) {
      context.metric(systolicEntry, systolic, context.sample.getStartTime());
      context.metric(diastolicEntry, diastolic, context.sample.getStartTime());
    } else if (panel.metric() != null) {
      // One Health Connect row holds both values: <metric>_systolic and <metric>_diastolic, as
      // HealthKit's rows name them.
      panelMetric(context, panel, "_systolic", systolic);
      panelMetric(context, panel, "_diastolic", diastolic);
    }
  }

  private static void component(
      ObservationDraft observation, String loinc, String display, double value) {
    observation.addComponent(
        ObservationDraft.Concept.of(new ObservationDraft.Coding(FhirSystems.LOINC, loinc, display)),
        new ObservationDraft.Quantity(
            SampleContext.decimal(value), "mmHg", FhirSystems.UCUM, "mm[Hg]"));
  }

  private static void panelMetric(
      SampleContext context, CatalogueEntry panel, String suffix, double value) {
    context.metric(
        panel.metric() + suffix,
        panel.metricKind(),
        value,
        panel.ucum(),
        context.sample.getStartTime());
  }

  private static CatalogueEntry memberEntry(SampleContext context, String type) {
    return context.healthKitEntry(type, () -> "catalogue lacks blood pressure member " + type);
  }

  private static HkCorrelationMember member(HkCorrelation body, String type, CatalogueEntry panel) {
    for (HkCorrelationMember member : body.getMembers()) {
      if (type.equals(member.getType())) {
        return member;
      }
    }
    throw new SampleRejected(
        RejectReason.INVALID_SHAPE, panel.platformCode() + " lacks member " + type);
  }

  static HcMeasurement field(List<HcMeasurement> measurements, String name, CatalogueEntry entry) {
    for (HcMeasurement measurement : measurements) {
      if (name.equals(measurement.getField())) {
        return measurement;
      }
    }
    throw new SampleRejected(
        RejectReason.INVALID_SHAPE, entry.platformCode() + " lacks field " + name);
  }
}
