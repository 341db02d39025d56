package io.fhirflow.api.view;

import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.model.Base;

/**
 * A ViewDefinition checked and with every FHIRPath expression parsed once, ready to run over any
 * number of resources. {@code columns} is the row layout: every column name in output order.
 */
public record CompiledView(
    String name,
    String resourceType,
    Map<String, List<Base>> constants,
    List<ExpressionNode> where,
    Select root,
    List<String> columns) {

  /**
   * One column: its name, parsed path, whether it holds a collection, and its declared FHIR type
   * (may be null).
   */
  public record Column(
      String name, String path, ExpressionNode expression, boolean collection, String type) {}

  /**
   * One select node. At most one of {@code forEach}, {@code forEachOrNull} and {@code repeat} is
   * set; without any, the node's focus is its parent's.
   */
  public record Select(
      List<Column> columns,
      ExpressionNode forEach,
      ExpressionNode forEachOrNull,
      List<ExpressionNode> repeat,
      List<Select> selects,
      List<Select> unionAll) {

    /** Every column name this node and its children produce, in output order. */
    List<String> columnNames() {
      List<String> names = new java.util.ArrayList<>();
      columns.forEach(c -> names.add(c.name()));
      selects.forEach(s -> names.addAll(s.columnNames()));
      if (!unionAll.isEmpty()) {
        names.addAll(unionAll.get(0).columnNames());
      }
      return names;
    }
  }
}
