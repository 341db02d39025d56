package io.fhirflow.mapping;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Health Connect integer-coded context fields: {@code measurementLocation} becomes bodySite, {@code
 * measurementMethod} method, {@code bodyPosition} the R4 core extension observation-bodyPosition,
 * anything else (specimen, meal) a component with code {@code Record.field}. Values are the
 * constants from codes.tsv; a value or field codes.tsv does not know becomes valueInteger, so
 * nothing the phone sent is lost. (The vital-signs profiles bind component values to UCUM units, so
 * coded context cannot be a component there.)
 */
final class HcEnums {
  static final String BODY_POSITION_EXTENSION =
      "http://hl7.org/fhir/StructureDefinition/observation-bodyPosition";
  private static final String MEASUREMENT_LOCATION = "measurementLocation";
  private static final String MEASUREMENT_METHOD = "measurementMethod";
  private static final String BODY_POSITION = "bodyPosition";

  private HcEnums() {}

  static void addComponents(
      SampleContext context,
      ObservationDraft observation,
      String type,
      Map<String, Integer> enums,
      Set<String> skip) {
    if (enums == null || enums.isEmpty()) {
      return;
    }
    // Sorted so that the same enums give the same bytes whatever order the map arrived in.
    for (Map.Entry<String, Integer> field : new TreeMap<>(enums).entrySet()) {
      if (skip.contains(field.getKey()) || field.getValue() == null) {
        continue;
      }
      CodedValue coded =
          context.catalogue.codedValue(type + "." + field.getKey(), field.getValue()).orElse(null);
      if (coded != null && MEASUREMENT_LOCATION.equals(field.getKey())) {
        observation.bodySite = codeableConcept(context, coded);
      } else if (coded != null && MEASUREMENT_METHOD.equals(field.getKey())) {
        observation.method = codeableConcept(context, coded);
      } else if (coded != null && BODY_POSITION.equals(field.getKey())) {
        observation.addExtension(
            new ObservationDraft.Extension(
                BODY_POSITION_EXTENSION, codeableConcept(context, coded)));
      } else {
        observation.addComponent(
            ObservationDraft.Concept.of(context.platformCoding(type + "." + field.getKey())),
            coded == null
                ? new ObservationDraft.IntegerValue(field.getValue())
                : codeableConcept(context, coded));
      }
    }
  }

  static ObservationDraft.Concept codeableConcept(SampleContext context, CodedValue coded) {
    return ObservationDraft.Concept.of(
        context.platformCoding(
            coded.valueSet().substring(0, coded.valueSet().indexOf('.') + 1) + coded.code(),
            coded.display()));
  }
}
