package io.fhirflow.dist;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series names a PromQL expression reads. There is no PromQL parser for Java (Prometheus's is
 * Go, and promtool has no command that lists an expression's series), so this strips what cannot be
 * a series name (strings, label matchers, ranges, grouping label lists, Grafana variables, numbers)
 * and keeps identifiers that are not functions, aggregations or keywords. promtool's `check rules`
 * validates the syntax of the same expressions separately.
 */
final class PromQlSeries {

  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "inf",
          "nan",
          "atan2");
  private static final Pattern STRING =
      Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^{}]*\\}");
  private static final Pattern RANGE = Pattern.compile("\\[[^\\[\\]]*\\]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?\\w+\\}?");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");

  private PromQlSeries() {}

  static Set<String> of(String expr) {
    String s = STRING.matcher(expr).replaceAll(" ");
    s = MATCHERS.matcher(s).replaceAll(" ");
    s = RANGE.matcher(s).replaceAll(" ");
    s = GROUPING.matcher(s).replaceAll(" ");
    s = VARIABLE.matcher(s).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String name = m.group();
      boolean partOfNumber =
          m.start() > 0
              && (Character.isDigit(s.charAt(m.start() - 1)) || s.charAt(m.start() - 1) == '.');
      if (partOfNumber || KEYWORDS.contains(name.toLowerCase()) || isCall(s, m.end())) {
        continue;
      }
      names.add(name);
    }
    return names;
  }

  private static boolean isCall(String s, int end) {
    int i = end;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i < s.length() && s.charAt(i) == '(';
  }
}
