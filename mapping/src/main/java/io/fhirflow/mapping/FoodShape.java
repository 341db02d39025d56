package io.fhirflow.mapping;

import io.fhirflow.schema.HkCorrelation;
import io.fhirflow.schema.HkCorrelationMember;
import io.fhirflow.schema.Platform;
import java.util.List;

/**
 * HealthKit food correlation: panel 80453-4 whose hasMember point at the nutrient Observations.
 * HealthKit also exports every member as a top-level sample, and member ids are deterministic, so
 * the references resolve to the Observations those samples become; the panel does not copy their
 * values.
 */
final class FoodShape implements ObservationShape {
  @Override
  public void build(SampleContext context, List<CatalogueEntry> entries) {
    CatalogueEntry entry = entries.get(0);
    HkCorrelation body = Quantities.body(context, HkCorrelation.class, entry);
    List<HkCorrelationMember> members = Quantities.nonEmpty(body.getMembers(), entry, "members");
    ObservationDraft observation = context.observation(entry, null);
    context.effective(observation);
    for (HkCorrelationMember member : members) {
      CatalogueEntry memberEntry =
          context.healthKitEntry(
              member.getType(), () -> entry.platformCode() + " member type not in catalogue");
      Quantities.convert(memberEntry, member.getValue(), member.getUnit());
      if (member.getRecordId() == null || member.getRecordId().isBlank()) {
        throw new SampleRejected(
            RejectReason.MISSING_ID, entry.platformCode() + " member lacks a record id");
      }
      observation.addHasMember(
          "Observation/"
              + ResourceIds.observation(
                  context.tenant,
                  context.sample.getUserId(),
                  Platform.HEALTHKIT.name(),
                  member.getRecordId(),
                  null));
    }
  }
}
