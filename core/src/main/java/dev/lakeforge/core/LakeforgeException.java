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
}
