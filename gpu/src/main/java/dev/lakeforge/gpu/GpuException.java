package dev.lakeforge.gpu;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;

/**
 * The GPU module's one exception type: the message names the setting, plan or transform, and the
 * fix.
 */
public class GpuException extends LakeforgeException {
  private static final long serialVersionUID = 1L;

  public GpuException(ErrorKind kind, String message) {
    super(kind, message);
  }

  public GpuException(ErrorKind kind, String message, Throwable cause) {
    super(kind, message, cause);
  }
}
