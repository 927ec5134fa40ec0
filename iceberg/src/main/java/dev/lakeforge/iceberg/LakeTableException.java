package dev.lakeforge.iceberg;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;

/** The iceberg module's one exception type: the message names the table, snapshot, tag or branch, and the fix. */
public class LakeTableException extends LakeforgeException {
  private static final long serialVersionUID = 1L;

  public LakeTableException(String message) {
    super(message);
  }

  public LakeTableException(String message, Throwable cause) {
    super(message, cause);
  }

  public LakeTableException(ErrorKind kind, String message) {
    super(kind, message);
  }

  public LakeTableException(ErrorKind kind, String message, Throwable cause) {
    super(kind, message, cause);
  }
}
