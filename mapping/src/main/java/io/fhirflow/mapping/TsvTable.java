package io.fhirflow.mapping;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tab-separated file with a header row; lines starting with {@code #} and blank lines are
 * ignored. Hand-written because the format is four rules long and errors must name the file and
 * line.
 */
final class TsvTable {
  /** One data row with its line number, read by column name. */
  record Row(String file, int line, Map<String, Integer> columns, String[] cells) {
    String get(String column) {
      Integer index = columns.get(column);
      if (index == null) {
        throw CatalogueException.at(file, line, "unknown column " + column);
      }
      return index < cells.length ? cells[index].strip() : "";
    }

    String required(String column) {
      String value = get(column);
      if (value.isEmpty()) {
        throw fail("column " + column + " is empty");
      }
      return value;
    }

    CatalogueException fail(String problem) {
      return CatalogueException.at(file, line, problem);
    }
  }

  private TsvTable() {}

  /** A file's header: its groups of columns one after the other. */
  @SafeVarargs
  static List<String> columns(List<String>... groups) {
    List<String> columns = new ArrayList<>();
    for (List<String> group : groups) {
      columns.addAll(group);
    }
    return List.copyOf(columns);
  }

  static List<Row> read(String file, Reader source, List<String> expectedColumns) {
    List<Row> rows = new ArrayList<>();
    Map<String, Integer> columns = null;
    try (BufferedReader reader = new BufferedReader(source)) {
      int lineNumber = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] cells = line.split("\t", -1);
        if (columns == null) {
          columns = header(file, lineNumber, cells, expectedColumns);
          continue;
        }
        if (cells.length > columns.size()) {
          throw CatalogueException.at(
              file, lineNumber, "has " + cells.length + " cells, header has " + columns.size());
        }
        rows.add(new Row(file, lineNumber, columns, cells));
      }
    } catch (IOException e) {
      throw new CatalogueException(file + ": cannot read", e);
    }
    if (columns == null) {
      throw new CatalogueException(file + ": no header row");
    }
    return rows;
  }

  private static Map<String, Integer> header(
      String file, int line, String[] cells, List<String> expected) {
    Map<String, Integer> columns = new HashMap<>();
    for (int i = 0; i < cells.length; i++) {
      columns.put(cells[i].strip(), i);
    }
    for (String column : expected) {
      if (!columns.containsKey(column)) {
        throw CatalogueException.at(file, line, "header lacks column " + column);
      }
    }
    return columns;
  }
}
