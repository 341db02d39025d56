package io.fhirflow.topology.metrics;

/**
 * The two JSON primitives the Redis values need, hand-written because the values are three or four
 * fields of numbers and a unit string and this runs for every changed metric.
 */
final class Json {

  private Json() {}

  static void number(StringBuilder b, double v) {
    if (!Double.isFinite(v)) {
      b.append("null");
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      b.append((long) v);
    } else {
      b.append(v);
    }
  }

  static void string(StringBuilder b, String s) {
    if (s == null) {
      b.append("null");
      return;
    }
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('"');
  }
}
