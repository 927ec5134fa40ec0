package dev.lakeforge.streaming;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;

/**
 * The streaming module's one exception type: the message names the topic, table or batch, and the
 * fix.
 */
public class StreamingException extends LakeforgeException {
  private static final long serialVersionUID = 1L;

  public StreamingException(String message) {
    super(message);
  }

  public StreamingException(String message, Throwable cause) {
    super(message, cause);
  }

  public StreamingException(ErrorKind kind, String message) {
    super(kind, message);
  }

  public StreamingException(ErrorKind kind, String message, Throwable cause) {
    super(kind, message, cause);
  }
}
