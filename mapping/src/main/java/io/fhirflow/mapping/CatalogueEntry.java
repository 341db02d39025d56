package io.fhirflow.mapping;

import io.fhirflow.contracts.FhirSystems;
import io.fhirflow.schema.Platform;
import java.util.Map;

/**
 * One row of {@code catalogue.tsv}: how one platform type (or one field of a Health Connect record)
 * becomes an Observation. See docs/catalogue.md for the meaning of each column.
 *
 * @param platform HealthKit or Health Connect
 * @param type the platform's type identifier, e.g. {@code HKQuantityTypeIdentifierHeartRate},
 *     {@code NutritionRecord}
 * @param field the Health Connect measurement field this row reads (empty for HealthKit and
 *     whole-record rows)
 * @param kind which shape mapper builds the Observation
 * @param loinc primary LOINC code, or null when LOINC has no observable for the concept
 * @param loincDisplay the LOINC display, or null
 * @param alsoLoinc a second LOINC coding the profile needs (SpO2 59408-5), or null
 * @param alsoLoincDisplay its display, or null
 * @param name human name; becomes {@code code.text}
 * @param ucum UCUM code of the value, or null for kinds without a quantity
 * @param unit human unit text ({@code Quantity.unit})
 * @param sourceUnits accepted source unit strings, each with its conversion into {@code ucum}
 * @param category observation-category code, or null
 * @param profile vital-signs profile name (e.g. {@code heartrate}), or null
 * @param min lowest physically possible value in {@code ucum}, or null
 * @param max highest physically possible value in {@code ucum}, or null
 * @param valueSet the enumeration of a coded value (codes.tsv), or null
 * @param metric metric name for the Redis branch, or null
 * @param metricKind how the metric aggregates, or null
 */
public record CatalogueEntry(
    Platform platform,
    String type,
    String field,
    ValueKind kind,
    String loinc,
    String loincDisplay,
    String alsoLoinc,
    String alsoLoincDisplay,
    String name,
    String ucum,
    String unit,
    Map<String, UnitConversion> sourceUnits,
    String category,
    String profile,
    Double min,
    Double max,
    String valueSet,
    String metric,
    MetricKind metricKind) {

  public CatalogueEntry {
    sourceUnits = Map.copyOf(sourceUnits);
  }

  /**
   * The code of this entry in the platform's own code system: the type, plus {@code .field} for
   * field rows.
   */
  public String platformCode() {
    return field.isEmpty() ? type : type + "." + field;
  }

  /** Canonical URL of the vital-signs profile, or null. */
  public String profileUrl() {
    return profile == null ? null : FhirSystems.PROFILE_BASE + profile;
  }

  boolean inRange(double value) {
    return (min == null || value >= min) && (max == null || value <= max);
  }
}
