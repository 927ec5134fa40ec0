package dev.lakeforge.core;

import java.util.Objects;

/**
 * Core's one exception type: every message names the thing that was wrong (file, line, key,
 * statement) and, where there is one, the fix. Its {@link ErrorKind} says what the caller can do
 * and gives the launcher's exit code.
 */
public class LakeforgeException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorKind kind;

  /** An {@link ErrorKind#INTERNAL} error. */
  public LakeforgeException(String message) {
    this(ErrorKind.INTERNAL, message, null);
  }

  /** An {@link ErrorKind#INTERNAL} error. */
  public LakeforgeException(String message, Throwable cause) {
    this(ErrorKind.INTERNAL, message, cause);
  }

  public LakeforgeException(ErrorKind kind, String message) {
    this(kind, message, null);
  }

  public LakeforgeException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** What the caller can do about it. */
  public ErrorKind kind() {
    return kind;
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
