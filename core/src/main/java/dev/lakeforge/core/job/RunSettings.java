package dev.lakeforge.core.job;

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
 * @param reportDir folder for {@code <job>-<runId>.json} (default {@code .lakeforge/runs})
 */
public record RunSettings(String team, String tenant, Map<String, String> labels, String reportDir) {
  public RunSettings {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    reportDir = reportDir == null ? ".lakeforge/runs" : reportDir;
  }
}
