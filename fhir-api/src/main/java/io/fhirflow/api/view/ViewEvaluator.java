package io.fhirflow.api.view;

import ca.uhn.fhir.context.FhirContext;
import io.fhirflow.views.ViewHostServices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Runs a compiled view over one resource and returns its rows, following the SQL on FHIR v2
 * processing model: {@code where} filters the resource; each select's focus comes from {@code
 * forEach}, {@code forEachOrNull} or {@code repeat} (or is its parent's); a focus's row is its
 * columns joined (cross product) with each nested select's rows and with the concatenated rows of
 * its {@code unionAll} branches. All FHIRPath is evaluated by HAPI's engine ({@link
 * FHIRPathEngine}); this class is only the glue the specification's processing model needs around
 * it.
 *
 * <p>Rows are {@code Object[]} in {@link CompiledView#columns()} order. Values are Boolean,
 * Integer, BigDecimal, String, or a List of those for {@code collection: true} columns, or null.
 */
public final class ViewEvaluator {

  private final FHIRPathEngine engine;
  private final ViewCompiler compiler;

  /**
   * Where HAPI's default validation support finds the R4 type definitions
   * (hapi-fhir-validation-resources-r4).
   */
  static final String TYPE_DEFINITIONS = "/org/hl7/fhir/r4/model/profile/profiles-types.xml";

  public ViewEvaluator(FhirContext context) {
    if (ViewEvaluator.class.getResource(TYPE_DEFINITIONS) == null) {
      // Without them the engine knows no type names: every ofType(...) of every view would fail per
      // resource.
      throw new IllegalStateException(
          "HAPI's R4 StructureDefinitions (hapi-fhir-validation-resources-r4) are not on the class path");
    }
    this.engine =
        new FHIRPathEngine(new HapiWorkerContext(context, context.getValidationSupport()));
    engine.setHostServices(new ViewHostServices());
    this.compiler = new ViewCompiler(engine);
  }

  public ViewCompiler compiler() {
    return compiler;
  }

  /**
   * The rows {@code resource} contributes to the view (none if it is another type or fails {@code
   * where}).
   */
  public List<Object[]> rows(CompiledView view, Resource resource) {
    if (!resource.fhirType().equals(view.resourceType())) {
      return List.of();
    }
    ViewHostServices.Scope top = new ViewHostServices.Scope(view.constants(), 0);
    for (ExpressionNode w : view.where()) {
      List<Base> r = evaluate(top, resource, resource, w);
      if (r.size() > 1 || (r.size() == 1 && !(r.get(0) instanceof BooleanType))) {
        throw new ViewDefinitionException("A where path must give a boolean");
      }
      if (r.isEmpty() || !((BooleanType) r.get(0)).booleanValue()) {
        return List.of();
      }
    }
    Map<String, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < view.columns().size(); i++) {
      index.put(view.columns().get(i), i);
    }
    List<Object[]> rows = new ArrayList<>();
    for (Partial p : select(view, index, view.root(), resource, resource, 0)) {
      rows.add(p.values);
    }
    return rows;
  }

  /** A row under construction: the values filled so far, by column position. */
  private record Partial(Object[] values) {
    Partial merge(Partial other) {
      Object[] v = values.clone();
      for (int i = 0; i < v.length; i++) {
        if (other.values[i] != NOT_SET) {
          v[i] = other.values[i];
        }
      }
      return new Partial(v);
    }
  }

  private static final Object NOT_SET = new Object();

  private List<Partial> select(
      CompiledView view,
      Map<String, Integer> index,
      CompiledView.Select s,
      Resource resource,
      Base focus,
      int focusIndex) {
    List<Base> foci;
    boolean orNull = false;
    if (s.forEach() != null) {
      foci = focus == null ? List.of() : evaluate(scope(view, 0), resource, focus, s.forEach());
    } else if (s.forEachOrNull() != null) {
      foci =
          focus == null ? List.of() : evaluate(scope(view, 0), resource, focus, s.forEachOrNull());
      orNull = true;
    } else if (!s.repeat().isEmpty()) {
      foci = new ArrayList<>();
      if (focus != null) {
        repeat(view, resource, focus, s.repeat(), foci);
      }
    } else {
      foci = focus == null ? List.of() : List.of(focus);
    }
    List<Partial> out = new ArrayList<>();
    if (foci.isEmpty()
        && (orNull || focus == null && s.forEach() == null && s.repeat().isEmpty())) {
      // forEachOrNull without a match (or anything under it): one row with every column of the
      // subtree null.
      Partial nulls = empty(view);
      for (String c : s.columnNames()) {
        nulls.values[index.get(c)] = null;
      }
      // The null row is the first (index 0) of its collection, as the specification's row_index
      // tests expect.
      for (CompiledView.Column c : s.columns()) {
        if (c.path().trim().equals("%rowIndex")) {
          nulls.values[index.get(c.name())] = 0;
        }
      }
      out.add(nulls);
      return out;
    }
    boolean ownIndex = s.forEach() != null || s.forEachOrNull() != null || !s.repeat().isEmpty();
    for (int i = 0; i < foci.size(); i++) {
      Base node = foci.get(i);
      int rowIndex = ownIndex ? i : focusIndex;
      Partial own = empty(view);
      for (CompiledView.Column c : s.columns()) {
        own.values[index.get(c.name())] =
            column(c, evaluate(scope(view, rowIndex), resource, node, c.expression()));
      }
      List<Partial> rows = List.of(own);
      for (CompiledView.Select child : s.selects()) {
        rows = product(rows, select(view, index, child, resource, node, rowIndex));
      }
      if (!s.unionAll().isEmpty()) {
        List<Partial> union = new ArrayList<>();
        for (CompiledView.Select branch : s.unionAll()) {
          union.addAll(select(view, index, branch, resource, node, rowIndex));
        }
        rows = product(rows, union);
      }
      out.addAll(rows);
    }
    return out;
  }

  private void repeat(
      CompiledView view, Resource resource, Base node, List<ExpressionNode> paths, List<Base> out) {
    for (ExpressionNode p : paths) {
      for (Base child : evaluate(scope(view, 0), resource, node, p)) {
        out.add(child);
        repeat(view, resource, child, paths, out);
      }
    }
  }

  private static List<Partial> product(List<Partial> left, List<Partial> right) {
    List<Partial> out = new ArrayList<>(left.size() * Math.max(1, right.size()));
    for (Partial l : left) {
      for (Partial r : right) {
        out.add(l.merge(r));
      }
    }
    return out;
  }

  private static Partial empty(CompiledView view) {
    Object[] v = new Object[view.columns().size()];
    Arrays.fill(v, NOT_SET);
    return new Partial(v);
  }

  private static ViewHostServices.Scope scope(CompiledView view, int rowIndex) {
    return new ViewHostServices.Scope(view.constants(), rowIndex);
  }

  private List<Base> evaluate(
      ViewHostServices.Scope scope, Resource resource, Base focus, ExpressionNode expression) {
    try {
      return engine.evaluate(scope, resource, resource, focus, expression);
    } catch (RuntimeException e) {
      throw new ViewDefinitionException("FHIRPath evaluation failed: " + e.getMessage(), e);
    }
  }

  private static Object column(CompiledView.Column c, List<Base> values) {
    if (c.collection()) {
      List<Object> list = new ArrayList<>(values.size());
      values.forEach(v -> list.add(value(c, v)));
      return list;
    }
    if (values.size() > 1) {
      throw new ViewDefinitionException(
          "Column "
              + c.name()
              + " gives more than one value; set collection: true or narrow the path");
    }
    return values.isEmpty() ? null : value(c, values.get(0));
  }

  private static Object value(CompiledView.Column c, Base v) {
    if (v instanceof BooleanType b) {
      return b.getValue();
    }
    if (v instanceof IntegerType i) {
      return i.getValue();
    }
    if (v instanceof DecimalType d) {
      return d.getValue();
    }
    if (v instanceof PrimitiveType<?> p) {
      return p.getValueAsString();
    }
    if (v.isPrimitive()) {
      return v.primitiveValue();
    }
    throw new ViewDefinitionException(
        "Column " + c.name() + " gives a " + v.fhirType() + ", not a primitive value");
  }
}
