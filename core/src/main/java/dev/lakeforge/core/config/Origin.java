package dev.lakeforge.core.config;

import dev.lakeforge.core.Location;
import java.nio.file.Path;

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

  /**
   * The folder a relative path written here starts from: the folder of the file it came from, or
   * the working directory for {@code --set} values, defaults and text not read from a file.
   */
  public Path baseDirectory() {
    if (isFile() && !source.equals("--set") && !source.startsWith("<")) {
      Path parent = Path.of(source).toAbsolutePath().getParent();
      if (parent != null) {
        return parent;
      }
    }
    return Location.workingDirectory();
  }

  @Override
  public String toString() {
    return line > 0 ? source + ":" + line + ":" + column : source;
  }
}
