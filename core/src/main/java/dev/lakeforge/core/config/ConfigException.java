package dev.lakeforge.core.config;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import java.util.Optional;

/**
 * A configuration or usage error: the message names the file, line, key path and what was expected.
 * The launcher exits with code 2 on it. An error at a key of a config also keeps where as data, for
 * a caller that points at it (an editor, a report).
 *
 * <pre>{@code
 * catch (ConfigException e) {
 *   e.origin().ifPresent(o -> mark(o.source(), o.line(), o.column()));   // orders.yaml, 3, 5
 *   e.keyPath();                                                          // Optional[spark.mastr]
 * }
 * }</pre>
 */
public class ConfigException extends LakeforgeException {
  private static final long serialVersionUID = 1L;
  private final Origin origin;
  private final String keyPath;
  private final String problem;

  public ConfigException(String message) {
    super(ErrorKind.USAGE, message);
    this.origin = null;
    this.keyPath = null;
    this.problem = message;
  }

  public ConfigException(String message, Throwable cause) {
    super(ErrorKind.USAGE, message, cause);
    this.origin = null;
    this.keyPath = null;
    this.problem = message;
  }

  /** An error at a key: the message is {@code <origin>: <keyPath>: <problem>}. */
  public ConfigException(Origin origin, String keyPath, String problem) {
    super(ErrorKind.USAGE, origin + ": " + keyPath + ": " + problem);
    this.origin = origin;
    this.keyPath = keyPath;
    this.problem = problem;
  }

  /**
   * Where the value at fault was written (file, line, column; or {@code --set}), when the error is
   * at a key.
   */
  public Optional<Origin> origin() {
    return Optional.ofNullable(origin);
  }

  /** The dotted key path at fault ({@code checks[0].level}), when the error is at a key. */
  public Optional<String> keyPath() {
    return Optional.ofNullable(keyPath);
  }

  /** What is wrong and what is expected, without where. */
  public String problem() {
    return problem;
  }
}
