package io.fhirflow.sink;

import java.util.List;

/**
 * PostgreSQL's text form of a {@code text[]} value, {@code {"a","b"}}: every element quoted, with
 * {@code "} and {@code \} escaped by a backslash, so any text (commas, braces, spaces, the word
 * NULL) reads back as itself.
 */
final class ArrayLiteral {

  private ArrayLiteral() {}

  /** The literal of {@code values}, or null for a null list (a null array, not an empty one). */
  static String of(List<String> values) {
    if (values == null) {
      return null;
    }
    int size = 2;
    for (String v : values) {
      size += v.length() + 3;
    }
    StringBuilder literal = new StringBuilder(size + 8).append('{');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        literal.append(',');
      }
      literal.append('"');
      String v = values.get(i);
      if (v.indexOf('"') < 0 && v.indexOf('\\') < 0) {
        // The usual code or identifier: appended whole, not a character at a time (this loop was
        // 8 % of the sink's task threads, BENCHMARKS.md issue 19 item 2).
        literal.append(v);
      } else {
        for (int c = 0; c < v.length(); c++) {
          char ch = v.charAt(c);
          if (ch == '"' || ch == '\\') {
            literal.append('\\');
          }
          literal.append(ch);
        }
      }
      literal.append('"');
    }
    return literal.append('}').toString();
  }
}
