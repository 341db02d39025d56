package io.fhirflow.views;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import io.fhirflow.store.StoreTables;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.ExpressionNode.Function;
import org.hl7.fhir.r4.fhirpath.ExpressionNode.Kind;
import org.hl7.fhir.r4.fhirpath.ExpressionNode.Operation;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;

/**
 * Translates a SQL on FHIR ViewDefinition into one PostgreSQL {@code SELECT} over the sink's table
 * of its resource type, and into the statements that create it as a view. A view, not a table: it
 * reads the store's rows whenever it is queried, so it is as current as the store with nothing to
 * refresh.
 *
 * <p>The subset the shipped views use is translated (what fhirflow can promise gives the rows
 * {@code $run} gives): {@code select} with {@code column}s and nested {@code select}s without
 * iteration, {@code where}, paths through {@link JsonPathTranslator}, {@code first()}, a union of
 * paths followed by {@code first()}, {@code getResourceKey()}, {@code getReferenceKey([type])} and
 * {@code collection: true} columns (as a jsonb array). {@code forEach}, {@code forEachOrNull},
 * {@code repeat}, {@code unionAll} and {@code constant} are refused with a message; such views
 * still run through {@code $run}.
 */
public final class PostgresViewTranslator {

  /** The sink's table of each stored resource type. */
  public static final Map<String, String> TABLES =
      Map.of(
          "Observation",
          StoreTables.OBSERVATION,
          "Patient",
          StoreTables.PATIENT,
          "Device",
          StoreTables.DEVICE);

  private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]{0,62}";
  private static final String COLUMN_NAME = "[A-Za-z][A-Za-z0-9_]*";

  /**
   * One output column: name, PostgreSQL type, and the ViewDefinition's description (may be null).
   */
  public record SqlColumn(String name, String sqlType, String description) {}

  /** The translated view: its SELECT and its columns in order. */
  public record Translation(String resourceType, String select, List<SqlColumn> columns) {}

  private record SqlValue(String sql, String sqlType) {}

  private final FhirContext context;
  private final FHIRPathEngine engine;

  public PostgresViewTranslator(FhirContext context) {
    this.context = context;
    this.engine =
        new FHIRPathEngine(new HapiWorkerContext(context, context.getValidationSupport()));
    engine.setHostServices(new ViewHostServices());
  }

  /**
   * The SELECT giving the view's rows; {@code sourceSchema} holds the sink's tables (empty: the
   * search path).
   */
  public Translation translate(JsonNode view, Optional<String> sourceSchema) {
    String resourceType = view.path("resource").asText("");
    String table = TABLES.get(resourceType);
    if (table == null) {
      throw new UnsupportedViewException(
          "ViewDefinition.resource must be one of the stored types "
              + TABLES.keySet()
              + ", not '"
              + resourceType.replaceAll("[^A-Za-z]", "")
              + "'");
    }
    if (view.path("constant").size() > 0) {
      throw new UnsupportedViewException(
          "constant is not translated to SQL; write the value into the paths, or use $run");
    }
    RuntimeResourceDefinition root = context.getResourceDefinition(resourceType);
    List<SqlColumn> columns = new ArrayList<>();
    List<String> expressions = new ArrayList<>();
    if (!view.path("select").isArray() || view.path("select").isEmpty()) {
      throw new UnsupportedViewException("ViewDefinition.select must hold at least one select");
    }
    for (JsonNode select : view.path("select")) {
      select(select, root, columns, expressions);
    }
    Set<String> names = new HashSet<>();
    for (SqlColumn c : columns) {
      if (!names.add(c.name())) {
        throw new UnsupportedViewException("Column name '" + c.name() + "' is used twice");
      }
    }
    List<String> conditions = new ArrayList<>();
    for (JsonNode w : view.path("where")) {
      String path = w.path("path").asText(null);
      ExpressionNode e = parse(path, "where");
      String exact =
          "jsonb_path_exists(r.resource, "
              + jsonPathLiteral(
                  "$ ? (" + JsonPathTranslator.condition(e, "@", root, "where " + path) + ")")
              + ")";
      Optional<String> tokens =
          resourceType.equals("Observation") ? codingTokens(e) : Optional.empty();
      conditions.add(tokens.orElse(exact));
    }
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "" : ",\n       ")
          .append(expressions.get(i))
          .append(" AS ")
          .append(quote(columns.get(i).name()));
    }
    sql.append("\nFROM ")
        .append(sourceSchema.map(s -> quote(identifier(s, "source schema")) + ".").orElse(""))
        .append(table)
        .append(" AS r");
    if (!conditions.isEmpty()) {
      sql.append("\nWHERE ").append(String.join("\n  AND ", conditions));
    }
    return new Translation(resourceType, sql.toString(), List.copyOf(columns));
  }

  /**
   * The statements that (re)create the view {@code schema.name}: the view, then comments saying
   * what it was made from (the view's url or name) and each column's description.
   */
  public List<String> createView(
      JsonNode view,
      Optional<String> schema,
      String name,
      Optional<String> sourceSchema,
      boolean replace) {
    Translation t = translate(view, sourceSchema);
    String target =
        schema.map(s -> quote(identifier(s, "schema")) + ".").orElse("")
            + quote(identifier(name, "view name"));
    List<String> statements = new ArrayList<>();
    if (replace) {
      statements.add("DROP VIEW IF EXISTS " + target);
    }
    statements.add("CREATE VIEW " + target + " AS\n" + t.select());
    String source =
        view.path("url").asText(view.path("name").asText(view.path("id").asText("inline")));
    statements.add(
        "COMMENT ON VIEW "
            + target
            + " IS "
            + sqlString(
                "SQL on FHIR ViewDefinition "
                    + source
                    + " over "
                    + TABLES.get(t.resourceType())
                    + ", made by fhirflow view materialize: the rows its $run gives, read from the store when queried"));
    for (SqlColumn c : t.columns()) {
      if (c.description() != null && !c.description().isBlank()) {
        statements.add(
            "COMMENT ON COLUMN "
                + target
                + "."
                + quote(c.name())
                + " IS "
                + sqlString(c.description()));
      }
    }
    return statements;
  }

  private void select(
      JsonNode select,
      RuntimeResourceDefinition root,
      List<SqlColumn> columns,
      List<String> expressions) {
    for (String key : List.of("forEach", "forEachOrNull", "repeat", "unionAll")) {
      if (select.has(key)) {
        throw new UnsupportedViewException(
            key
                + " is not translated to SQL (only select, column and where are); run this view with $run");
      }
    }
    for (JsonNode c : select.path("column")) {
      String name = c.path("name").asText("");
      if (!name.matches(COLUMN_NAME)) {
        throw new UnsupportedViewException("Column names must match " + COLUMN_NAME);
      }
      String path = c.path("path").asText(null);
      String what = "column '" + name + "'";
      SqlValue v = value(parse(path, what), root, c.path("collection").asBoolean(false), what);
      columns.add(new SqlColumn(name, v.sqlType(), c.path("description").asText(null)));
      expressions.add(v.sql());
    }
    for (JsonNode nested : select.path("select")) {
      // Nested selects without forEach have one row each: their columns sit beside their parent's.
      select(nested, root, columns, expressions);
    }
  }

  private SqlValue value(
      ExpressionNode e, RuntimeResourceDefinition root, boolean collection, String what) {
    if (e.getOperation() != null) {
      throw new UnsupportedViewException(
          what + ": the operator " + e.getOperation().toCode() + " is not translated to SQL");
    }
    if (e.getKind() == Kind.Group) {
      return firstOfUnion(e, root, collection, what);
    }
    JsonPathTranslator.Walk w = JsonPathTranslator.walk(e, "$", root, what);
    JsonPathTranslator.Path p = w.path();
    ExpressionNode t = w.terminal();
    if (collection) {
      if (t != null) {
        throw new UnsupportedViewException(
            what + ": a collection column is translated only as a path (no " + t.getName() + "())");
      }
      return new SqlValue(
          "jsonb_path_query_array(r.resource, " + jsonPathLiteral(p.jsonPath()) + ")", "jsonb");
    }
    if (t == null) {
      if (p.many()) {
        throw new UnsupportedViewException(
            what
                + ": the path may give several values; end it with first() or make the column collection: true");
      }
      return scalar(p, what);
    }
    boolean thenFirst =
        t.getInner() != null
            && t.getInner().getKind() == Kind.Function
            && t.getInner().getFunction() == Function.First
            && t.getInner().getInner() == null;
    if (t.getInner() != null && !thenFirst) {
      throw new UnsupportedViewException(
          what + ": nothing but first() may follow " + t.getName() + "()");
    }
    switch (t.getName()) {
      case "first" -> {
        return scalar(p, what);
      }
      case "getResourceKey" -> {
        if (!p.atRoot()) {
          throw new UnsupportedViewException(
              what + ": getResourceKey() is translated only on the resource itself");
        }
        return new SqlValue("r.id", "text");
      }
      case "getReferenceKey" -> {
        if (!"Reference".equals(p.type().getName())) {
          throw new UnsupportedViewException(
              what + ": getReferenceKey() needs a Reference, not " + p.type().getName());
        }
        if (p.many() && !thenFirst) {
          throw new UnsupportedViewException(
              what + ": the path may give several references; end it with first()");
        }
        return new SqlValue(referenceKey(p, t, what), "text");
      }
      default ->
          throw new UnsupportedViewException(
              what + ": " + t.getName() + "() is not translated to SQL");
    }
  }

  /**
   * {@code (a | b).first()}: the first value of a, else of b (a union keeps its left side's order
   * first).
   */
  private SqlValue firstOfUnion(
      ExpressionNode group, RuntimeResourceDefinition root, boolean collection, String what) {
    ExpressionNode after = group.getInner();
    if (collection
        || after == null
        || after.getKind() != Kind.Function
        || after.getFunction() != Function.First
        || after.getInner() != null) {
      throw new UnsupportedViewException(
          what + ": a parenthesised expression is translated only as (a | b).first()");
    }
    List<String> parts = new ArrayList<>();
    String type = null;
    for (ExpressionNode n = group.getGroup(); n != null; n = n.getOpNext()) {
      if (n.getOpNext() != null && n.getOperation() != Operation.Union) {
        throw new UnsupportedViewException(what + ": only | is translated inside (...).first()");
      }
      JsonPathTranslator.Walk w = JsonPathTranslator.walk(n, "$", root, what);
      if (w.terminal() != null) {
        throw new UnsupportedViewException(what + ": each side of | must be a path");
      }
      SqlValue v = scalar(w.path(), what);
      if (type != null && !type.equals(v.sqlType())) {
        throw new UnsupportedViewException(
            what + ": the sides of | have different types (" + type + ", " + v.sqlType() + ")");
      }
      type = v.sqlType();
      parts.add(v.sql());
    }
    return new SqlValue("COALESCE(" + String.join(", ", parts) + ")", type);
  }

  /** The first value at {@code p} as a PostgreSQL value of the primitive's type. */
  private static SqlValue scalar(JsonPathTranslator.Path p, String what) {
    String text = text(p, p.plainKeys() ? p.keys() : null);
    String fhirType = p.type().getName();
    return switch (fhirType) {
      case "decimal" -> new SqlValue("(" + text + ")::numeric", "numeric");
      case "integer", "positiveInt", "unsignedInt" ->
          new SqlValue("(" + text + ")::integer", "integer");
      case "boolean" -> new SqlValue("(" + text + ")::boolean", "boolean");
      case "string",
          "code",
          "id",
          "uri",
          "url",
          "canonical",
          "oid",
          "uuid",
          "markdown",
          "base64Binary",
          "dateTime",
          "date",
          "instant",
          "time" ->
          new SqlValue(text, "text");
      default ->
          throw new UnsupportedViewException(
              what
                  + ": the path ends at a "
                  + fhirType
                  + ", not a primitive; name an element of it");
    };
  }

  /**
   * The first value at {@code p} as text: by its keys ({@code #>>}) when given, else by its
   * SQL/JSON path.
   */
  private static String text(JsonPathTranslator.Path p, List<String> keys) {
    if (keys != null) {
      return "r.resource #>> " + sqlString("{" + String.join(",", keys) + "}");
    }
    return "jsonb_path_query_first(r.resource, " + jsonPathLiteral(p.jsonPath()) + ") #>> '{}'";
  }

  /**
   * What getReferenceKey gives for the reference text: its last segment (without {@code
   * /_history/...}), and with a type only when the segment before it is that type. Text, like the
   * logical ids it names.
   */
  private static String referenceKey(
      JsonPathTranslator.Path p, ExpressionNode function, String what) {
    List<String> keys = null;
    if (p.plainKeys()) {
      keys = new ArrayList<>(p.keys());
      keys.add("reference");
    }
    String ref =
        "regexp_replace("
            + text(
                new JsonPathTranslator.Path(
                    p.jsonPath() + ".\"reference\"", p.type(), p.many(), false, keys),
                keys)
            + ", '/_history/.*$', '')";
    if (function.getParameters().isEmpty()) {
      return "substring(" + ref + " from '/([^/]+)$')";
    }
    String type = JsonPathTranslator.typeParameter(function, what);
    return "substring(" + ref + " from '(?:^|/)" + type + "/([^/]+)$')";
  }

  /**
   * For {@code code.coding.where(system = 'S' and code = 'C').exists()} (or several joined by
   * {@code or}): the same test on the sink's {@code codes} column, which its GIN index answers
   * instead of a JSON path per row. Exact, not an approximation: the sink writes into {@code codes}
   * the "system|code" of every coding of {@code Observation.code} whose system and code are strings
   * (sink migration V1, ResourceExtractor), which is what the FHIRPath asks.
   */
  private static Optional<String> codingTokens(ExpressionNode where) {
    List<String> tokens = new ArrayList<>();
    for (ExpressionNode n = where; n != null; n = n.getOpNext()) {
      if (n.getOpNext() != null && n.getOperation() != Operation.Or) {
        return Optional.empty();
      }
      Optional<String> token = codingToken(n);
      if (token.isEmpty()) {
        return Optional.empty();
      }
      tokens.add(sqlString(token.get()));
    }
    return Optional.of(
        tokens.size() == 1
            ? "r.codes @> ARRAY[" + tokens.get(0) + "]::text[]"
            : "r.codes && ARRAY[" + String.join(", ", tokens) + "]::text[]");
  }

  private static Optional<String> codingToken(ExpressionNode n) {
    ExpressionNode coding = n.getInner();
    ExpressionNode where = coding == null ? null : coding.getInner();
    ExpressionNode exists = where == null ? null : where.getInner();
    if (n.getKind() != Kind.Name
        || !"code".equals(n.getName())
        || coding.getKind() != Kind.Name
        || !"coding".equals(coding.getName())
        || where == null
        || where.getFunction() != Function.Where
        || exists == null
        || exists.getFunction() != Function.Exists
        || !exists.getParameters().isEmpty()
        || exists.getInner() != null) {
      return Optional.empty();
    }
    ExpressionNode and = where.getParameters().get(0);
    if (and.getOperation() != Operation.And
        || and.getOpNext() == null
        || and.getOpNext().getOpNext() != null) {
      return Optional.empty();
    }
    String system = null;
    String code = null;
    for (ExpressionNode side = and; side != null; side = side.getOpNext()) {
      ExpressionNode eq = side.getKind() == Kind.Group ? side.getGroup() : side;
      if (eq.getOperation() != Operation.Equals
          || eq.getKind() != Kind.Name
          || eq.getInner() != null
          || eq.getOpNext().getKind() != Kind.Constant
          || eq.getOpNext().getConstant() == null) {
        return Optional.empty();
      }
      String value = eq.getOpNext().getConstant().primitiveValue();
      if ("system".equals(eq.getName()) && system == null) {
        system = value;
      } else if ("code".equals(eq.getName()) && code == null) {
        code = value;
      } else {
        return Optional.empty();
      }
    }
    return system == null || code == null ? Optional.empty() : Optional.of(system + "|" + code);
  }

  private ExpressionNode parse(String path, String what) {
    if (path == null || path.isBlank()) {
      throw new UnsupportedViewException(what + ": path is required");
    }
    try {
      return engine.parse(path);
    } catch (RuntimeException e) {
      throw new UnsupportedViewException(what + ": FHIRPath does not parse: " + e.getMessage());
    }
  }

  private static String identifier(String name, String what) {
    if (!name.matches(IDENTIFIER)) {
      throw new UnsupportedViewException("The " + what + " must match " + IDENTIFIER);
    }
    return name;
  }

  private static String quote(String identifier) {
    return "\"" + identifier + "\"";
  }

  private static String jsonPathLiteral(String jsonPath) {
    return sqlString(jsonPath) + "::jsonpath";
  }

  static String sqlString(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
