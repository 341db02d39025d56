package io.fhirflow.applehealth;

import java.util.Map;

/**
 * Turns the symbolic category values of modern exports back into HealthKit's raw integers ({@code
 * HKCategoryValueSleepAnalysisAsleepCore} → 3). Legacy exports already write integers. A label not
 * listed here keeps its text in {@code valueLabel} with the raw value -1, so nothing is lost and
 * the catalogue can still map it by label.
 */
final class HkCategoryValues {

  static final int UNKNOWN = -1;

  private static final Map<String, Integer> VALUES =
      Map.ofEntries(
          Map.entry("HKCategoryValueNotApplicable", 0),
          Map.entry("HKCategoryValueSleepAnalysisInBed", 0),
          Map.entry("HKCategoryValueSleepAnalysisAsleep", 1),
          Map.entry("HKCategoryValueSleepAnalysisAsleepUnspecified", 1),
          Map.entry("HKCategoryValueSleepAnalysisAwake", 2),
          Map.entry("HKCategoryValueSleepAnalysisAsleepCore", 3),
          Map.entry("HKCategoryValueSleepAnalysisAsleepDeep", 4),
          Map.entry("HKCategoryValueSleepAnalysisAsleepREM", 5),
          Map.entry("HKCategoryValueAppleStandHourStood", 0),
          Map.entry("HKCategoryValueAppleStandHourIdle", 1),
          Map.entry("HKCategoryValueLowCardioFitnessEventLowFitness", 1),
          Map.entry("HKCategoryValueSeverityUnspecified", 0),
          Map.entry("HKCategoryValueSeverityNotPresent", 1),
          Map.entry("HKCategoryValueSeverityMild", 2),
          Map.entry("HKCategoryValueSeverityModerate", 3),
          Map.entry("HKCategoryValueSeveritySevere", 4),
          Map.entry("HKCategoryValueEnvironmentalAudioExposureEventMomentaryLimit", 1),
          Map.entry("HKCategoryValueHeadphoneAudioExposureEventSevenDayLimit", 1));

  /** Labels of the legacy integer sleep values, so both generations carry the same label. */
  private static final String[] LEGACY_SLEEP_LABELS = {
    "HKCategoryValueSleepAnalysisInBed",
    "HKCategoryValueSleepAnalysisAsleep",
    "HKCategoryValueSleepAnalysisAwake"
  };

  private HkCategoryValues() {}

  /** A raw value and its label, for a category sample's {@code value} attribute (may be null). */
  record CategoryValue(int value, String label) {}

  static CategoryValue of(String type, String text) {
    if (text == null || text.isBlank()) {
      return new CategoryValue(0, null);
    }
    String t = text.trim();
    if (isInteger(t)) {
      int value = Integer.parseInt(t);
      String label =
          "HKCategoryTypeIdentifierSleepAnalysis".equals(type)
                  && value >= 0
                  && value < LEGACY_SLEEP_LABELS.length
              ? LEGACY_SLEEP_LABELS[value]
              : null;
      return new CategoryValue(value, label);
    }
    return new CategoryValue(VALUES.getOrDefault(t, UNKNOWN), t);
  }

  private static boolean isInteger(String t) {
    if (t.isEmpty() || t.length() > 9) {
      return false;
    }
    for (int i = t.charAt(0) == '-' ? 1 : 0; i < t.length(); i++) {
      if (!Character.isDigit(t.charAt(i))) {
        return false;
      }
    }
    return !t.equals("-");
  }
}
