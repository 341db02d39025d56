package io.fhirflow.sink;

import java.time.Instant;
import java.util.List;

/**
 * Appends values in PostgreSQL's COPY text format (tab-separated columns, {@code \N} for null,
 * backslash escapes). Hand-written because pgjdbc's CopyManager only moves bytes: it has no row
 * encoder, and a CSV library would not produce array literals.
 */
final class CopyTextEncoder {

  private final StringBuilder out;
  private boolean rowStarted;

  CopyTextEncoder(StringBuilder out) {
    this.out = out;
  }

  CopyTextEncoder text(String value) {
    separator();
    if (value == null) {
      out.append("\\N");
    } else {
      escapeInto(value, out);
    }
    return this;
  }

  CopyTextEncoder number(long value) {
    separator();
    out.append(value);
    return this;
  }

  /** ISO-8601 with 'Z', which timestamptz parses exactly (microseconds kept). */
  CopyTextEncoder instant(Instant value) {
    return text(value == null ? null : value.toString());
  }

  /** A text[] literal: {"a","b"}, each element quoted, then escaped once more for COPY. */
  CopyTextEncoder textArray(List<String> values) {
    if (values == null) {
      return text(null);
    }
    StringBuilder literal = new StringBuilder(values.size() * 32).append('{');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        literal.append(',');
      }
      literal.append('"');
      String v = values.get(i);
      for (int c = 0; c < v.length(); c++) {
        char ch = v.charAt(c);
        if (ch == '"' || ch == '\\') {
          literal.append('\\');
        }
        literal.append(ch);
      }
      literal.append('"');
    }
    return text(literal.append('}').toString());
  }

  void endRow() {
    out.append('\n');
    rowStarted = false;
  }

  private void separator() {
    if (rowStarted) {
      out.append('\t');
    }
    rowStarted = true;
  }

  /**
   * Compact JSON and ids rarely hold a character COPY must escape (a raw tab or newline cannot occur
   * in JSON; a backslash only in an escaped string), so the common case is four vectorised indexOf
   * scans and one array copy, not one append per character (the sink's top hotspot before).
   */
  private static void escapeInto(String value, StringBuilder out) {
    if (value.indexOf('\\') < 0 && value.indexOf('\t') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
      out.append(value);
      return;
    }
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      switch (ch) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(ch);
      }
    }
  }
}
