package io.fhirflow.dist;

import java.util.ArrayList;
import java.util.List;

/**
 * The contents of the string literals and text blocks of a Java source, without its comments and
 * char literals: enough of a lexer to tell SQL text from a comment that names the same table.
 */
final class JavaStringLiterals {

  private JavaStringLiterals() {}

  static List<String> of(String source) {
    List<String> literals = new ArrayList<>();
    int i = 0;
    int n = source.length();
    while (i < n) {
      if (source.startsWith("//", i)) {
        int end = source.indexOf('\n', i);
        i = end < 0 ? n : end;
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        end = end < 0 ? n : end;
        literals.add(source.substring(i + 3, end));
        i = Math.min(n, end + 3);
      } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
        char quote = source.charAt(i);
        int j = i + 1;
        while (j < n && source.charAt(j) != quote && source.charAt(j) != '\n') {
          j += source.charAt(j) == '\\' ? 2 : 1;
        }
        if (quote == '"') {
          literals.add(source.substring(i + 1, Math.min(j, n)));
        }
        i = j + 1;
      } else {
        i++;
      }
    }
    return literals;
  }
}
