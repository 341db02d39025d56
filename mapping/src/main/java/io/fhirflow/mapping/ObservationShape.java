package io.fhirflow.mapping;

import java.util.List;

/**
 * Builds the Observations of one {@link ValueKind}. Implementations check what they read (finite
 * values, accepted units, ranges, body shape) and throw {@link SampleRejected} on the first
 * problem.
 */
interface ObservationShape {
  /**
   * @param context the sample and the shared Observation skeleton; results go into it
   * @param entries the catalogue rows of this kind for the sample's type (one, or one per field)
   */
  void build(SampleContext context, List<CatalogueEntry> entries);
}
