package io.fhirflow.applehealth;

import io.fhirflow.schema.WearableSample;

/** What one export element became. */
sealed interface ConvertedElement {

  /** A sample to publish. */
  record Sample(WearableSample sample) implements ConvertedElement {}

  /** An element that cannot become a sample; the detail names attributes, never values. */
  record Rejected(String elementName, ImportReason reason, String detail, long line)
      implements ConvertedElement {}

  /**
   * An element that is not a sample ({@code Me}, {@code ExportDate}, {@code ActivitySummary}, ...).
   */
  record Skipped(String elementName) implements ConvertedElement {}
}
