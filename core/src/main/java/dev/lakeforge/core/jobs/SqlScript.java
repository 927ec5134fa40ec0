package dev.lakeforge.core.jobs;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL file into statements at semicolons, skipping those inside quotes, backticks and
 * comments, and remembers where each statement starts.
 *
 * <pre>{@code
 * for (SqlStatement s : SqlScript.split(Files.readString(file))) {
 *   spark.sql(s.text());   // errors name s.position(file, line, column)
 * }
 * }</pre>
 */
public final class SqlScript {
  private SqlScript() {}

  /** The statements of a script, in order, without their semicolons. */
  public static List<SqlStatement> split(String script) {
    List<SqlStatement> out = new ArrayList<>();
    int line = 1;
    int col = 1;
    int start = -1;
    int startLine = 0;
    int startCol = 0;
    char quote = 0;
    int blockDepth = 0;
    boolean lineComment = false;
    int n = script.length();
    for (int i = 0; i < n; i++) {
      char c = script.charAt(i);
      char next = i + 1 < n ? script.charAt(i + 1) : 0;
      if (lineComment) {
        if (c == '\n') {
          lineComment = false;
        }
      } else if (blockDepth > 0) {
        if (c == '*' && next == '/') {
          blockDepth--;
          i++;
          col++;
        } else if (c == '/' && next == '*') {
          blockDepth++;
          i++;
          col++;
        }
      } else if (quote != 0) {
        if (c == '\\' && quote != '`') {
          i++;
          col++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '-' && next == '-') {
        lineComment = true;
      } else if (c == '/' && next == '*') {
        blockDepth = 1;
        i++;
        col++;
      } else if (c == ';') {
        if (start >= 0) {
          out.add(
              new SqlStatement(
                  out.size() + 1, script.substring(start, i).strip(), startLine, startCol));
          start = -1;
        }
      } else if (!Character.isWhitespace(c)) {
        if (start < 0) {
          start = i;
          startLine = line;
          startCol = col;
        }
        if (c == '\'' || c == '"' || c == '`') {
          quote = c;
        }
      }
      if (i < n && script.charAt(i) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    if (start >= 0) {
      String rest = script.substring(start).strip();
      if (!rest.isEmpty()) {
        out.add(new SqlStatement(out.size() + 1, rest, startLine, startCol));
      }
    }
    return out;
  }
}
