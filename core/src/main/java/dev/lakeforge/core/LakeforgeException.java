package dev.lakeforge.core;

/**
 * Core's one exception type: every message names the thing that was wrong (file, line, key,
 * statement) and, where there is one, the fix.
 */
public class LakeforgeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LakeforgeException(String message) {
    super(message);
  }

  public LakeforgeException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The first non-blank line of an exception's message, for a one-line error. Spark's parse and
   * analysis errors start with a blank line and go on with the SQL and a caret.
   *
   * <pre>{@code
   * throw new LakeforgeException(file + ": not valid SQL DDL: " + LakeforgeException.firstLine(e), e);
   * }</pre>
   */
  public static String firstLine(Throwable e) {
    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
    return msg.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(msg);
  }
}
