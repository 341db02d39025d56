package io.fhirflow.mapping;

/**
 * Thrown inside the mapper to stop at the first problem; {@link FhirMapper} turns it into a {@link
 * Rejection}. No stack trace: it is control flow on bad data, not a bug.
 */
final class SampleRejected extends RuntimeException {
  private final transient Rejection rejection;

  SampleRejected(RejectReason reason, String detail) {
    super(detail, null, false, false);
    this.rejection = new Rejection(reason, detail);
  }

  Rejection rejection() {
    return rejection;
  }

  /**
   * Phone-supplied text (a type or unit name) made safe for a rejection detail: printable ASCII
   * identifier characters only, at most 80 of them. Such names are not health data, but they are
   * not ours either.
   */
  static String printable(String text) {
    if (text == null) {
      return "null";
    }
    String safe = text.replaceAll("[^A-Za-z0-9_.:/<>%\\[\\]{}()*-]", "?");
    return safe.length() > 80 ? safe.substring(0, 80) : safe;
  }
}
