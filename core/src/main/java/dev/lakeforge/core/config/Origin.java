package dev.lakeforge.core.config;

/**
 * Where a config value came from: a file and line, a {@code --set} override, or a default.
 *
 * @param source file name, or {@code --set}
 * @param line 1-based line, 0 when not from a file
 * @param column 1-based column, 0 when not from a file
 */
public record Origin(String source, int line, int column) {
  static Origin override() {
    return new Origin("--set", 0, 0);
  }

  boolean isFile() {
    return line > 0;
  }

  @Override
  public String toString() {
    return line > 0 ? source + ":" + line + ":" + column : source;
  }
}
