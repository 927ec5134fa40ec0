package dev.lakeforge.core.job;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.Location;

/**
 * The {@code metrics:} section: Prometheus export of each run's figures.
 *
 * <pre>{@code
 * metrics:
 *   file: /var/lib/node-exporter/textfile/lakeforge.prom
 *   pushgateway: http://pushgateway.monitoring:9091
 * }</pre>
 *
 * @param file write the text exposition format here (for node-exporter's textfile collector); a
 *     relative path starts at the config file's folder
 * @param pushgateway push to this Pushgateway URL ({@code http://host:port})
 * @param pushJob the Pushgateway {@code job} grouping key (default {@code lakeforge})
 */
public record MetricsSettings(Location file, String pushgateway, String pushJob) {
  public MetricsSettings {
    require(file == null || file.isLocal(), "file", "must be a local file, got " + file);
    require(
        pushgateway == null || pushgateway.matches("https?://[^/]+/?"),
        "pushgateway",
        "expected http://host:port or https://host:port, got '" + pushgateway + "'");
    pushJob = pushJob == null ? "lakeforge" : pushJob;
  }
}
