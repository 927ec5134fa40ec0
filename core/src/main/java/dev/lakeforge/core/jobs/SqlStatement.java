package dev.lakeforge.core.jobs;

/**
 * One statement of a SQL file.
 *
 * @param number 1-based position in the file
 * @param text the statement without its terminating semicolon
 * @param line 1-based line where it starts
 * @param column 1-based column where it starts
 */
public record SqlStatement(int number, String text, int line, int column) {

  /** The first line, shortened, for logs and plans. */
  public String headline() {
    String first = text.strip().lines().findFirst().orElse("");
    return first.length() > 80 ? first.substring(0, 77) + "..." : first;
  }

  /** File position of a 1-based line and column inside this statement. */
  public String position(String source, int lineInStatement, int columnInStatement) {
    int fileLine = line + lineInStatement - 1;
    int fileColumn = lineInStatement == 1 ? column + columnInStatement - 1 : columnInStatement;
    return source + ":" + fileLine + ":" + fileColumn;
  }
}
