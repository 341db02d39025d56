package io.fhirflow.applehealth;

/** Why the importer could not turn an export element into a sample; the code is stable. */
public enum ImportReason {
  /** The element is not well-formed XML (iOS 8 metadata keys written as attribute names). */
  MALFORMED_XML,
  /** The element's end could not be found (end of file, a {@code <} inside a tag, too large). */
  UNTERMINATED_ELEMENT,
  /** A required attribute such as {@code type} or {@code startDate} is absent. */
  MISSING_ATTRIBUTE,
  /** A date in none of the export formats. */
  INVALID_DATE,
  /** A value that is not a number. */
  INVALID_NUMBER,
  /** A quantity sample with neither {@code value} nor {@code average}. */
  MISSING_VALUE;

  public String code() {
    return name();
  }
}
