package dev.lakeforge.core.job;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.Location;
import java.util.Map;

/**
 * The {@code run:} section: who a run belongs to and where its report goes.
 *
 * <pre>{@code
 * run:
 *   team: payments
 *   tenant: acme
 *   labels: {pipeline: orders, env: prod}
 *   reportDir: /data/reports
 * }</pre>
 *
 * @param team the owning team, tagged on the report, metrics and cost
 * @param tenant the tenant billed for the run
 * @param labels more tags for the report and metrics
 * @param reportDir local folder for {@code <job>-<runId>.json} (default {@code .lakeforge/runs} in
 *     the working directory; a relative path starts at the config file's folder)
 */
public record RunSettings(
    String team, String tenant, Map<String, String> labels, Location reportDir) {
  public RunSettings {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    reportDir = reportDir == null ? Location.of(".lakeforge/runs") : reportDir;
    require(reportDir.isLocal(), "reportDir", "must be a local folder, got " + reportDir);
  }
}
