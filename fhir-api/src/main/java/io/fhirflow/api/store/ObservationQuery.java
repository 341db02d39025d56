package io.fhirflow.api.store;

import java.util.List;
import java.util.Optional;

/**
 * A validated Observation search. Lists are ANDed; each inner list is ORed (FHIR's {@code a,b}).
 *
 * @param patient the patient every row must belong to; empty only for unconfined system searches
 * @param newestFirst order by effective time descending (the default) or ascending
 * @param after the key of the last row of the previous page, for keyset paging
 */
public record ObservationQuery(
    Optional<String> patient,
    List<List<TokenCriterion>> codes,
    List<List<TokenCriterion>> categories,
    List<List<DateCriterion>> dates,
    boolean newestFirst,
    int count,
    Optional<PageKey> after) {

  public ObservationQuery {
    codes = List.copyOf(codes);
    categories = List.copyOf(categories);
    dates = List.copyOf(dates);
  }
}
