package dev.lakeforge.core.config;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;

/**
 * A configuration or usage error: the message names the file, line, key path and what was
 * expected. The launcher exits with code 2 on it.
 */
public class ConfigException extends LakeforgeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(ErrorKind.USAGE, message);
  }

  public ConfigException(String message, Throwable cause) {
    super(ErrorKind.USAGE, message, cause);
  }
}
