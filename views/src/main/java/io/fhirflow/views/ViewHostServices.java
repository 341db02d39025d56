package io.fhirflow.views;

import java.util.List;
import java.util.Map;
import org.hl7.fhir.exceptions.PathEngineException;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.fhirpath.FHIRPathUtilityClasses.FunctionDetails;
import org.hl7.fhir.r4.fhirpath.IHostApplicationServices;
import org.hl7.fhir.r4.fhirpath.TypeDetails;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.fhirpath.FHIRPathConstantEvaluationMode;

/**
 * What SQL on FHIR adds to FHIRPath, plugged into HAPI's FHIRPath engine through its host-services
 * hook: the view's {@code constant}s and {@code %rowIndex} as external constants, and the two
 * functions the specification defines, {@code getResourceKey()} and {@code
 * getReferenceKey([type])}. Keys are the logical ids, which are unique per type in this store.
 */
public final class ViewHostServices implements IHostApplicationServices {

  /** The evaluation's variables: the view's constants and the index of the current row's focus. */
  public record Scope(Map<String, List<Base>> constants, int rowIndex) {}

  @Override
  public List<Base> resolveConstant(
      FHIRPathEngine engine, Object appContext, String name, FHIRPathConstantEvaluationMode mode) {
    if (mode != FHIRPathConstantEvaluationMode.EXPLICIT) {
      // Only %name is a view constant; the engine also asks about plain identifiers, which are
      // paths.
      return List.of();
    }
    Scope scope = (Scope) appContext;
    String key = name.startsWith("%") ? name.substring(1) : name;
    if (key.equals("rowIndex")) {
      return List.of(new IntegerType(scope.rowIndex()));
    }
    List<Base> value = scope.constants().get(key);
    if (value == null) {
      throw new PathEngineException("Unknown constant %" + key);
    }
    return value;
  }

  @Override
  public TypeDetails resolveConstantType(
      FHIRPathEngine engine, Object appContext, String name, FHIRPathConstantEvaluationMode mode) {
    return null;
  }

  @Override
  public boolean log(String argument, List<Base> focus) {
    return false;
  }

  @Override
  public FunctionDetails resolveFunction(FHIRPathEngine engine, String functionName) {
    return switch (functionName) {
      case "getResourceKey" -> new FunctionDetails("the resource's key (its logical id)", 0, 0);
      case "getReferenceKey" ->
          new FunctionDetails("the key a Reference points to, optionally only for one type", 0, 1);
      default -> null;
    };
  }

  @Override
  public TypeDetails checkFunction(
      FHIRPathEngine engine,
      Object appContext,
      String functionName,
      TypeDetails focus,
      List<TypeDetails> parameters) {
    return null;
  }

  @Override
  public List<Base> executeFunction(
      FHIRPathEngine engine,
      Object appContext,
      List<Base> focus,
      String functionName,
      List<List<Base>> parameters) {
    if (functionName.equals("getResourceKey")) {
      return focus.stream()
          .filter(b -> b instanceof Resource r && r.hasIdElement())
          .map(b -> (Base) new StringType(((Resource) b).getIdElement().getIdPart()))
          .toList();
    }
    String type =
        parameters.isEmpty() || parameters.get(0).isEmpty()
            ? null
            : typeName(parameters.get(0).get(0).primitiveValue());
    return focus.stream()
        .filter(b -> b instanceof Reference)
        .map(b -> ((Reference) b).getReference())
        .filter(ref -> ref != null && ref.contains("/"))
        .filter(ref -> type == null || referenceType(ref).equals(type))
        .map(ref -> (Base) new StringType(referenceId(ref)))
        .toList();
  }

  /**
   * A type parameter arrives qualified (a StructureDefinition URL or "FHIR.Patient"); the name is
   * its last segment.
   */
  private static String typeName(String qualified) {
    return qualified.substring(
        Math.max(qualified.lastIndexOf('/'), qualified.lastIndexOf('.')) + 1);
  }

  /** "Patient/123" or "http://server/fhir/Patient/123/_history/2": the type segment. */
  private static String referenceType(String ref) {
    String[] parts = withoutHistory(ref).split("/");
    return parts.length >= 2 ? parts[parts.length - 2] : "";
  }

  private static String referenceId(String ref) {
    String[] parts = withoutHistory(ref).split("/");
    return parts[parts.length - 1];
  }

  private static String withoutHistory(String ref) {
    int h = ref.indexOf("/_history/");
    return h < 0 ? ref : ref.substring(0, h);
  }

  @Override
  public Base resolveReference(
      FHIRPathEngine engine, Object appContext, String url, Base refContext) {
    return null;
  }

  @Override
  public boolean conformsToProfile(
      FHIRPathEngine engine, Object appContext, Base item, String url) {
    return false;
  }

  @Override
  public ValueSet resolveValueSet(FHIRPathEngine engine, Object appContext, String url) {
    return null;
  }

  @Override
  public boolean paramIsType(String name, int index) {
    // getReferenceKey(Patient): the argument is a type name, not a path to evaluate on the
    // Reference.
    return name.equals("getReferenceKey") && index == 0;
  }
}
