package dev.lakeforge.core.job;

import dev.lakeforge.core.config.Config;
import java.util.Map;

/**
 * Adds a config section and the Spark settings it stands for to every job's session, so a module
 * (Iceberg catalogs, say) configures sessions without core knowing it. Found with {@link
 * java.util.ServiceLoader}: list the class in {@code
 * META-INF/services/dev.lakeforge.core.job.SessionContributor}.
 *
 * <pre>{@code
 * public final class CatalogsContributor implements SessionContributor {
 *   public String section() { return "catalogs"; }
 *   public Map<String, String> sparkConf(Config config) { ... }
 * }
 * }</pre>
 */
public interface SessionContributor {
  /** The top-level config section this contributor reads. */
  String section();

  /**
   * The record the section binds to, for the configuration reference; with {@link #namedEntries()}
   * the record of each named entry ({@code catalogs.<name>}).
   */
  Class<? extends Record> settingsType();

  /**
   * Whether the section maps names to settings ({@code catalogs: {lake: {...}}}) rather than being
   * one.
   */
  default boolean namedEntries() {
    return false;
  }

  /**
   * The Spark settings for the section (applied before the job's own {@code spark.conf}).
   *
   * @throws dev.lakeforge.core.config.ConfigException naming file, line and key for bad settings
   */
  Map<String, String> sparkConf(Config config);
}
