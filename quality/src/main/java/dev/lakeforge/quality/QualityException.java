package dev.lakeforge.quality;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;

/**
 * The quality module's one exception type: the message names the suite file, line, key, column or
 * constraint.
 */
public class QualityException extends LakeforgeException {
  private static final long serialVersionUID = 1L;

  public QualityException(String message) {
    super(message);
  }

  public QualityException(String message, Throwable cause) {
    super(message, cause);
  }

  public QualityException(ErrorKind kind, String message) {
    super(kind, message);
  }

  public QualityException(ErrorKind kind, String message, Throwable cause) {
    super(kind, message, cause);
  }
}
