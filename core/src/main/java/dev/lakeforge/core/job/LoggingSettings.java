package dev.lakeforge.core.job;

import static dev.lakeforge.core.config.SettingException.require;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code logging:} section.
 *
 * <pre>{@code
 * logging:
 *   format: json          # auto (json on Kubernetes, text elsewhere), json or text
 *   level: INFO
 *   levels: {org.apache.spark: WARN, dev.lakeforge: DEBUG}
 * }</pre>
 *
 * @param format {@code auto}, {@code json} or {@code text}
 * @param level the root level (default INFO)
 * @param levels per-logger levels; Spark, Hadoop, Parquet and Netty default to WARN
 * @param progress show Spark's progress bar on a terminal (default: on in text mode on a terminal)
 */
public record LoggingSettings(
    Format format, String level, Map<String, String> levels, Boolean progress) {
  public enum Format {
    AUTO,
    JSON,
    TEXT
  }

  private static final Set<String> LEVELS =
      Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF");

  public LoggingSettings {
    format = format == null ? Format.AUTO : format;
    level = level == null ? "INFO" : level.toUpperCase(Locale.ROOT);
    levels = levels == null ? Map.of() : Map.copyOf(levels);
    require(
        LEVELS.contains(level),
        "level",
        "expected one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got '" + level + "'");
    for (Map.Entry<String, String> e : levels.entrySet()) {
      require(
          LEVELS.contains(e.getValue().toUpperCase(Locale.ROOT)),
          "levels." + '"' + e.getKey() + '"',
          "expected one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got '" + e.getValue() + "'");
    }
  }

  /** JSON for cluster runs (a k8s master, or running inside a Kubernetes pod), text elsewhere. */
  public boolean json(String master) {
    return switch (format) {
      case JSON -> true;
      case TEXT -> false;
      case AUTO ->
          (master != null && master.startsWith("k8s://"))
              || System.getenv("KUBERNETES_SERVICE_HOST") != null;
    };
  }
}
