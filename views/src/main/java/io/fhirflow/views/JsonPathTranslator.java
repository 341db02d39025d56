package io.fhirflow.views;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.ExpressionNode.Function;
import org.hl7.fhir.r4.fhirpath.ExpressionNode.Kind;
import org.hl7.fhir.r4.fhirpath.ExpressionNode.Operation;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.StringType;

/**
 * Turns FHIRPath navigation (parsed by HAPI's engine) into a PostgreSQL SQL/JSON path over the
 * stored resource JSON. The two languages agree where it matters: PostgreSQL's lax mode flattens
 * arrays on member access as FHIRPath flattens collections, keeps document order (so {@code
 * first()} is {@code jsonb_path_query_first}), and a filter {@code ? (...)} is FHIRPath's {@code
 * where(...)}.
 *
 * <p>Element names and cardinalities come from HAPI's R4 model, not from the expression: a choice
 * element ({@code value}) must be narrowed with {@code ofType(Quantity)} (it is {@code
 * valueQuantity} in JSON), and every path knows whether it may give several values, so a column
 * that could hold several is refused here instead of silently taking one. What is not translated is
 * refused with a message naming it: {@code where}, {@code ofType}, {@code exists}, {@code empty},
 * {@code startsWith}, {@code =}, {@code !=}, {@code and}, {@code or} and string, number and boolean
 * literals are.
 */
final class JsonPathTranslator {

  /**
   * The end of a path: SQL/JSON path text, the FHIR element type there, whether it may hold several
   * values, and its JSON keys when it is only member steps (no filter), else null.
   */
  record Path(
      String jsonPath,
      BaseRuntimeElementDefinition<?> type,
      boolean many,
      boolean atRoot,
      List<String> keys) {

    /**
     * A path of single elements reached by member steps only: PostgreSQL's {@code #>} gives the
     * same value as the SQL/JSON path at a fraction of the cost (no path interpreter per row).
     */
    boolean plainKeys() {
      return keys != null && !many && !keys.isEmpty();
    }
  }

  /** A walked path and the function that ended it (null when the expression is navigation only). */
  record Walk(Path path, ExpressionNode terminal) {}

  private record Step(
      String jsonName,
      BaseRuntimeElementDefinition<?> type,
      boolean many,
      boolean consumedOfType) {}

  private JsonPathTranslator() {}

  /**
   * Follows {@code start} along names, {@code ofType} and {@code where} from {@code root} ("$" or
   * "@") of type {@code rootType}; stops at the first other function, which it returns as the
   * terminal. The start node's own binary operation, if any, is the caller's business.
   */
  static Walk walk(
      ExpressionNode start, String root, BaseRuntimeElementDefinition<?> rootType, String what) {
    StringBuilder jp = new StringBuilder(root);
    BaseRuntimeElementDefinition<?> type = rootType;
    boolean many = false;
    boolean atRoot = true;
    List<String> keys = new ArrayList<>();
    ExpressionNode n = start;
    while (n != null) {
      if (n.getKind() == Kind.Name) {
        if (atRoot
            && type instanceof RuntimeResourceDefinition rd
            && rd.getName().equals(n.getName())) {
          // "Observation.code": the type name in front of a path is the resource itself.
          n = n.getInner();
          continue;
        }
        Step s = child(type, n.getName(), n.getInner(), what);
        jp.append(".\"").append(s.jsonName()).append('"');
        if (keys != null) {
          keys.add(s.jsonName());
        }
        type = s.type();
        many |= s.many();
        atRoot = false;
        if (s.consumedOfType()) {
          n = n.getInner();
        }
      } else if (n.getKind() == Kind.Function && n.getFunction() == Function.Where) {
        jp.append(" ? (").append(condition(only(n, what), "@", type, what)).append(')');
        keys = null;
      } else if (n.getKind() == Kind.Function && n.getFunction() == Function.OfType) {
        // On an element that is not a choice, ofType(its own type) is a no-op and anything else is
        // empty.
        String t = typeParameter(n, what);
        if (!t.equalsIgnoreCase(type.getName())) {
          throw new UnsupportedViewException(
              what + ": ofType(" + t + ") on an element of type " + type.getName());
        }
      } else if (n.getKind() == Kind.Function) {
        return new Walk(new Path(jp.toString(), type, many, atRoot, keys), n);
      } else {
        throw new UnsupportedViewException(what + ": " + describe(n) + " is not translated to SQL");
      }
      n = n.getInner();
    }
    return new Walk(new Path(jp.toString(), type, many, atRoot, keys), null);
  }

  /** A boolean FHIRPath expression as an SQL/JSON path predicate relative to {@code root}. */
  static String condition(
      ExpressionNode head, String root, BaseRuntimeElementDefinition<?> type, String what) {
    List<ExpressionNode> operands = new ArrayList<>();
    List<Operation> ops = new ArrayList<>();
    for (ExpressionNode n = head; n != null; n = n.getOpNext()) {
      operands.add(n);
      if (n.getOperation() != null) {
        ops.add(n.getOperation());
      }
    }
    if (ops.isEmpty()) {
      return atom(head, root, type, what);
    }
    Operation op = ops.get(0);
    if (ops.stream().anyMatch(o -> o != op)) {
      throw new UnsupportedViewException(
          what + ": mixed operators " + ops + " without parentheses");
    }
    if ((op == Operation.Equals || op == Operation.NotEquals) && operands.size() == 2) {
      Walk left = walk(head, root, type, what);
      if (left.terminal() != null || left.path().many()) {
        throw new UnsupportedViewException(
            what + ": the left side of " + op.toCode() + " must be a path to one element");
      }
      return left.path().jsonPath()
          + (op == Operation.Equals ? " == " : " != ")
          + literal(operands.get(1), what);
    }
    if (op == Operation.And || op == Operation.Or) {
      List<String> parts = new ArrayList<>();
      for (ExpressionNode o : operands) {
        parts.add(atom(o, root, type, what));
      }
      return "(" + String.join(op == Operation.And ? " && " : " || ", parts) + ")";
    }
    throw new UnsupportedViewException(
        what + ": the operator " + op.toCode() + " is not translated to SQL");
  }

  private static String atom(
      ExpressionNode n, String root, BaseRuntimeElementDefinition<?> type, String what) {
    if (n.getKind() == Kind.Group) {
      if (n.getInner() != null) {
        throw new UnsupportedViewException(
            what + ": a path after a parenthesised condition is not translated");
      }
      return "(" + condition(n.getGroup(), root, type, what) + ")";
    }
    Walk w = walk(n, root, type, what);
    ExpressionNode t = w.terminal();
    String path = w.path().jsonPath();
    if (t == null) {
      if (!"boolean".equals(w.path().type().getName()) || w.path().many()) {
        throw new UnsupportedViewException(
            what + ": a condition must give a boolean, not " + w.path().type().getName());
      }
      return path + " == true";
    }
    if (t.getInner() != null) {
      throw new UnsupportedViewException(
          what + ": nothing may follow " + t.getName() + "() in a condition");
    }
    switch (t.getFunction()) {
      case Exists -> {
        if (!t.getParameters().isEmpty()) {
          return "exists("
              + path
              + " ? ("
              + condition(t.getParameters().get(0), "@", w.path().type(), what)
              + "))";
        }
        return "exists(" + path + ")";
      }
      case Empty -> {
        return "!exists(" + path + ")";
      }
      case StartsWith -> {
        if (w.path().many()) {
          throw new UnsupportedViewException(what + ": startsWith() needs a path to one element");
        }
        return path + " starts with " + literal(only(t, what), what);
      }
      default ->
          throw new UnsupportedViewException(
              what + ": " + t.getName() + "() is not translated to SQL");
    }
  }

  private static Step child(
      BaseRuntimeElementDefinition<?> type, String name, ExpressionNode next, String what) {
    if (!(type instanceof BaseRuntimeElementCompositeDefinition<?> composite)) {
      throw new UnsupportedViewException(
          what + ": '" + name + "' below the primitive " + type.getName());
    }
    BaseRuntimeChildDefinition child = composite.getChildByName(name);
    if (child != null) {
      BaseRuntimeElementDefinition<?> element = child.getChildByName(name);
      if (element == null) {
        throw new UnsupportedViewException(
            what + ": '" + name + "' of " + type.getName() + " is not translated to SQL");
      }
      return new Step(name, element, child.getMax() != 1, false);
    }
    BaseRuntimeChildDefinition choice = composite.getChildByName(name + "[x]");
    if (choice == null) {
      throw new UnsupportedViewException(
          what + ": " + type.getName() + " has no element '" + name + "'");
    }
    if (next == null || next.getKind() != Kind.Function || next.getFunction() != Function.OfType) {
      throw new UnsupportedViewException(
          what + ": '" + name + "' may hold several types; name one with " + name + ".ofType(...)");
    }
    String t = typeParameter(next, what);
    String jsonName = name + Character.toUpperCase(t.charAt(0)) + t.substring(1);
    BaseRuntimeElementDefinition<?> element = choice.getChildByName(jsonName);
    if (element == null) {
      throw new UnsupportedViewException(
          what + ": " + type.getName() + "." + name + " cannot be a " + t);
    }
    return new Step(jsonName, element, choice.getMax() != 1, true);
  }

  /** ofType(Quantity), ofType(FHIR.Quantity): the type's name. */
  static String typeParameter(ExpressionNode function, String what) {
    ExpressionNode p = only(function, what);
    String name = p.getName();
    if (p.getKind() != Kind.Name || name == null || !name.matches("[A-Za-z.]+")) {
      throw new UnsupportedViewException(what + ": " + function.getName() + "() needs a type name");
    }
    return name.substring(name.lastIndexOf('.') + 1);
  }

  private static ExpressionNode only(ExpressionNode function, String what) {
    if (function.getParameters() == null || function.getParameters().size() != 1) {
      throw new UnsupportedViewException(
          what + ": " + function.getName() + "() needs one parameter");
    }
    return function.getParameters().get(0);
  }

  /** A FHIRPath literal as an SQL/JSON path literal. */
  private static String literal(ExpressionNode n, String what) {
    Base c = n.getKind() == Kind.Constant && n.getInner() == null ? n.getConstant() : null;
    if (c instanceof StringType s) {
      return jsonString(s.getValue());
    }
    if (c instanceof IntegerType || c instanceof DecimalType || c instanceof BooleanType) {
      return c.primitiveValue();
    }
    throw new UnsupportedViewException(
        what + ": only string, number and boolean literals are translated to SQL");
  }

  static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (ch < 0x20) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  static String describe(ExpressionNode n) {
    return switch (n.getKind()) {
      case Function -> n.getName() + "()";
      case Constant -> "a literal";
      case Group -> "a parenthesised expression";
      case Unary -> "a unary operator";
      default -> "'" + n.getName() + "'";
    };
  }
}
