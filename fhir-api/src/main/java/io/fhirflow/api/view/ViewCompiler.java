package io.fhirflow.api.view;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OidType;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.TimeType;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.UrlType;
import org.hl7.fhir.r4.model.UuidType;

/**
 * Checks a ViewDefinition (JSON) against the rules of the SQL on FHIR v2 specification and parses
 * its FHIRPath with HAPI's engine: resource and select present, column names valid and unique,
 * unionAll branches with the same columns, forEach/forEachOrNull/repeat well-formed, constants
 * typed. Anything wrong is a {@link ViewDefinitionException} naming what (never resource data).
 */
public final class ViewCompiler {

  private static final String COLUMN_NAME = "[A-Za-z][A-Za-z0-9_]*";
  private static final Map<String, Function<String, Base>> CONSTANT_TYPES = constantTypes();

  private final FHIRPathEngine engine;

  ViewCompiler(FHIRPathEngine engine) {
    this.engine = engine;
  }

  public CompiledView compile(JsonNode view) {
    if (view == null || !view.isObject()) {
      throw new ViewDefinitionException("A ViewDefinition must be a JSON object");
    }
    String resource = text(view, "resource");
    if (resource == null || !resource.matches("[A-Z][A-Za-z]+")) {
      throw new ViewDefinitionException("ViewDefinition.resource must name a FHIR resource type");
    }
    JsonNode select = view.get("select");
    if (select == null || !select.isArray() || select.isEmpty()) {
      throw new ViewDefinitionException("ViewDefinition.select must hold at least one select");
    }
    Map<String, List<Base>> constants = constants(view.get("constant"));
    List<ExpressionNode> where = new ArrayList<>();
    for (JsonNode w : array(view, "where")) {
      where.add(parse(text(w, "path"), "where.path"));
    }
    CompiledView.Select root =
        new CompiledView.Select(List.of(), null, null, List.of(), selects(select), List.of());
    List<String> columns = root.columnNames();
    Set<String> seen = new HashSet<>();
    for (String c : columns) {
      if (!seen.add(c)) {
        throw new ViewDefinitionException("Column name '" + c + "' is used twice");
      }
    }
    return new CompiledView(
        view.path("name").asText(null), resource, constants, where, root, columns);
  }

  private List<CompiledView.Select> selects(JsonNode array) {
    List<CompiledView.Select> out = new ArrayList<>();
    for (JsonNode s : array) {
      out.add(select(s));
    }
    return out;
  }

  private CompiledView.Select select(JsonNode s) {
    if (!s.isObject()) {
      throw new ViewDefinitionException("A select must be an object");
    }
    List<CompiledView.Column> columns = new ArrayList<>();
    for (JsonNode c : array(s, "column")) {
      String name = text(c, "name");
      if (name == null || !name.matches(COLUMN_NAME)) {
        throw new ViewDefinitionException("Column names must match " + COLUMN_NAME);
      }
      String path = text(c, "path");
      JsonNode collection = c.get("collection");
      if (collection != null && !collection.isBoolean()) {
        throw new ViewDefinitionException("column.collection must be a boolean");
      }
      columns.add(
          new CompiledView.Column(
              name,
              path,
              parse(path, "column.path"),
              collection != null && collection.asBoolean(),
              c.path("type").asText(null)));
    }
    ExpressionNode forEach = s.has("forEach") ? parse(text(s, "forEach"), "forEach") : null;
    ExpressionNode forEachOrNull =
        s.has("forEachOrNull") ? parse(text(s, "forEachOrNull"), "forEachOrNull") : null;
    List<ExpressionNode> repeat = new ArrayList<>();
    if (s.has("repeat")) {
      JsonNode r = s.get("repeat");
      if (!r.isArray() || r.isEmpty()) {
        throw new ViewDefinitionException("repeat must be a non-empty array of paths");
      }
      for (JsonNode p : r) {
        repeat.add(parse(p.isTextual() ? p.asText() : null, "repeat"));
      }
    }
    if ((forEach != null ? 1 : 0) + (forEachOrNull != null ? 1 : 0) + (repeat.isEmpty() ? 0 : 1)
        > 1) {
      throw new ViewDefinitionException(
          "A select may have only one of forEach, forEachOrNull and repeat");
    }
    List<CompiledView.Select> unionAll = selects(array(s, "unionAll"));
    for (CompiledView.Select branch : unionAll) {
      if (!branch.columnNames().equals(unionAll.get(0).columnNames())) {
        throw new ViewDefinitionException(
            "Every unionAll branch must have the same columns in the same order");
      }
    }
    return new CompiledView.Select(
        columns, forEach, forEachOrNull, repeat, selects(array(s, "select")), unionAll);
  }

  private ExpressionNode parse(String path, String where) {
    if (path == null || path.isBlank()) {
      throw new ViewDefinitionException(where + " must be a FHIRPath expression (a string)");
    }
    try {
      return engine.parse(path);
    } catch (RuntimeException e) {
      throw new ViewDefinitionException("Invalid FHIRPath in " + where + ": " + e.getMessage());
    }
  }

  private static Map<String, List<Base>> constants(JsonNode array) {
    Map<String, List<Base>> out = new LinkedHashMap<>();
    if (array == null) {
      return out;
    }
    if (!array.isArray()) {
      throw new ViewDefinitionException("constant must be an array");
    }
    for (JsonNode c : array) {
      String name = text(c, "name");
      if (name == null || !name.matches(COLUMN_NAME)) {
        throw new ViewDefinitionException("Constant names must match " + COLUMN_NAME);
      }
      Base value = null;
      for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (field.startsWith("value")) {
          Function<String, Base> type = CONSTANT_TYPES.get(field.substring("value".length()));
          if (type == null || value != null) {
            throw new ViewDefinitionException(
                "Constant " + name + " must have exactly one supported value[x]");
          }
          value = type.apply(c.get(field).asText());
        }
      }
      if (value == null) {
        throw new ViewDefinitionException("Constant " + name + " has no value");
      }
      out.put(name, List.of(value));
    }
    return out;
  }

  private static Map<String, Function<String, Base>> constantTypes() {
    Map<String, Function<String, Base>> m = new LinkedHashMap<>();
    m.put("Base64Binary", Base64BinaryType::new);
    m.put("Boolean", v -> new BooleanType(Boolean.parseBoolean(v)));
    m.put("Canonical", CanonicalType::new);
    m.put("Code", CodeType::new);
    m.put("Date", DateType::new);
    m.put("DateTime", DateTimeType::new);
    m.put("Decimal", v -> new DecimalType(new BigDecimal(v)));
    m.put("Id", IdType::new);
    m.put("Instant", InstantType::new);
    m.put("Integer", v -> new IntegerType(Integer.parseInt(v)));
    // R4 has no integer64; a decimal keeps every value exactly and compares as FHIRPath numbers do.
    m.put("Integer64", v -> new DecimalType(new BigDecimal(v)));
    m.put("Oid", OidType::new);
    m.put("PositiveInt", v -> new PositiveIntType(Integer.parseInt(v)));
    m.put("String", StringType::new);
    m.put("Time", TimeType::new);
    m.put("UnsignedInt", v -> new UnsignedIntType(Integer.parseInt(v)));
    m.put("Uri", UriType::new);
    m.put("Url", UrlType::new);
    m.put("Uuid", UuidType::new);
    return m;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  private static JsonNode array(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null) {
      return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    }
    if (!v.isArray()) {
      throw new ViewDefinitionException(field + " must be an array");
    }
    return v;
  }
}
