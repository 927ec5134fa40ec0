package dev.lakeforge.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;

/** Renders rows as a plain-text table, as {@code Dataset.show} does, for logs and terminals. */
public final class TextTable {
  private static final int MAX_CELL = 60;

  private TextTable() {}

  /** Renders a header and rows; long cells are cut with an ellipsis. */
  public static String render(List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      width[i] = cell(header.get(i)).length();
    }
    for (List<String> row : rows) {
      for (int i = 0; i < row.size() && i < width.length; i++) {
        width[i] = Math.max(width[i], cell(row.get(i)).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    String rule = rule(width);
    sb.append(rule).append(line(header, width)).append(rule);
    rows.forEach(r -> sb.append(line(r, width)));
    return sb.append(rule).toString();
  }

  /** Renders Spark rows (values via {@code String.valueOf}, null as {@code NULL}). */
  public static String renderRows(String[] columns, List<Row> rows) {
    List<List<String>> cells = new ArrayList<>();
    for (Row r : rows) {
      List<String> c = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) {
        c.add(r.isNullAt(i) ? "NULL" : String.valueOf(r.get(i)));
      }
      cells.add(c);
    }
    return render(Arrays.asList(columns), cells);
  }

  private static String cell(String s) {
    String v = s == null ? "NULL" : s.replace('\n', ' ');
    return v.length() > MAX_CELL ? v.substring(0, MAX_CELL - 3) + "..." : v;
  }

  private static String rule(int[] width) {
    StringBuilder sb = new StringBuilder("+");
    for (int w : width) {
      sb.append("-".repeat(w + 2)).append('+');
    }
    return sb.append('\n').toString();
  }

  private static String line(List<String> cells, int[] width) {
    StringBuilder sb = new StringBuilder("|");
    for (int i = 0; i < width.length; i++) {
      String c = i < cells.size() ? cell(cells.get(i)) : "";
      sb.append(' ').append(c).append(" ".repeat(width[i] - c.length())).append(" |");
    }
    return sb.append('\n').toString();
  }
}
