package dev.lakeforge.core.config;

/**
 * Thrown by a settings record's constructor when one of its values is wrong. The config binder
 * turns it into a {@link ConfigException} that names the file, line and full key path.
 *
 * <pre>{@code
 * record Sink(String path, int parallelism) {
 *   Sink {
 *     SettingException.require(path != null, "path", "is required");
 *     SettingException.require(parallelism > 0, "parallelism", "must be at least 1, got " + parallelism);
 *   }
 * }
 * }</pre>
 */
public class SettingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String key;

  /**
   * @param key the key inside the record being built (may be dotted for nested keys)
   * @param problem what is wrong and what is expected
   */
  public SettingException(String key, String problem) {
    super(problem);
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** Throws when the condition is false. */
  public static void require(boolean condition, String key, String problem) {
    if (!condition) {
      throw new SettingException(key, problem);
    }
  }
}
