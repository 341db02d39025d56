package io.fhirflow.mapping;

/**
 * A row of {@code codes.tsv}: one integer value of an enumeration (HealthKit category value, Health
 * Connect constant) with its symbolic code and, where the value changes what is measured, a LOINC
 * code.
 *
 * @param valueSet the enumeration, e.g. {@code HKCategoryValueSleepAnalysis} or {@code
 *     BloodPressureRecord.bodyPosition}
 * @param value the integer the platform sends
 * @param code the symbolic code, e.g. {@code HKCategoryValueSleepAnalysisAsleepDeep}
 * @param display human text
 * @param loinc a LOINC code that replaces the entry's code for this value (sleep stages, glucose
 *     specimen), or null
 * @param loincDisplay its display, or null
 */
public record CodedValue(
    String valueSet, int value, String code, String display, String loinc, String loincDisplay) {}
