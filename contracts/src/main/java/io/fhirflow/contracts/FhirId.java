package io.fhirflow.contracts;

/**
 * The FHIR R4 id syntax every process checks a resource or patient id against: 1-64 characters of
 * {@code [A-Za-z0-9-.]} (FHIR R4, datatypes "id"). A loop rather than a regular expression: the
 * sink checks two ids of every record it writes, and a {@code Pattern} match was ~6 % of its task
 * threads (BENCHMARKS.md, issue 19 item 2).
 */
public final class FhirId {

  /** The longest id FHIR R4 allows. */
  public static final int MAX_LENGTH = 64;

  /** The same rule as a regular expression, for a pattern that embeds an id (paths, routes). */
  public static final String REGEX = "[A-Za-z0-9\\-.]{1," + MAX_LENGTH + "}";

  private FhirId() {}

  /** True when {@code id} is a FHIR id (not null, 1-64 characters of [A-Za-z0-9-.]). */
  public static boolean isValid(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
