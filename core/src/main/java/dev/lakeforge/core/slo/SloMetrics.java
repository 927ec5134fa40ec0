package dev.lakeforge.core.slo;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * SLO evaluations as Prometheus gauges: {@code lakeforge_sli}, {@code lakeforge_slo_objective} and
 * {@code lakeforge_slo_met} per job and indicator, {@code lakeforge_slo_error_budget_remaining} per
 * job, {@code lakeforge_slo_burn_rate} per job and window, {@code lakeforge_slo_alert_firing} per
 * job, window pair and severity.
 */
final class SloMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();

  SloMetrics(List<SloEvaluation> evaluations) {
    Gauge sli = gauge("lakeforge_sli", "A service level indicator over the SLO window", "sli");
    Gauge objective = gauge("lakeforge_slo_objective", "The indicator's objective", "sli");
    Gauge met = gauge("lakeforge_slo_met", "1 if the indicator meets its objective", "sli");
    Gauge budget =
        gauge(
            "lakeforge_slo_error_budget_remaining",
            "Share of the success rate's error budget left (negative when overspent)");
    Gauge burn = gauge("lakeforge_slo_burn_rate", "Error budget burn rate over a window", "window");
    Gauge firing =
        gauge(
            "lakeforge_slo_alert_firing",
            "1 if the multi-window burn-rate alert fires",
            "windows",
            "severity");
    for (SloEvaluation e : evaluations) {
      for (SloEvaluation.Indicator i : e.indicators()) {
        sli.labelValues(e.job(), i.name()).set(i.value());
        objective.labelValues(e.job(), i.name()).set(i.objective());
        met.labelValues(e.job(), i.name()).set(i.met() ? 1 : 0);
      }
      budget.labelValues(e.job()).set(e.errorBudgetRemaining());
      for (SloEvaluation.Alert a : e.alerts()) {
        burn.labelValues(e.job(), a.longWindow()).set(a.longBurn());
        burn.labelValues(e.job(), a.shortWindow()).set(a.shortBurn());
        firing
            .labelValues(e.job(), a.longWindow() + "/" + a.shortWindow(), a.severity())
            .set(a.firing() ? 1 : 0);
      }
    }
  }

  private Gauge gauge(String name, String help, String... labels) {
    String[] all = new String[labels.length + 1];
    all[0] = "job";
    System.arraycopy(labels, 0, all, 1, labels.length);
    return Gauge.builder().name(name).help(help).labelNames(all).register(registry);
  }

  /** Writes the text format to a file atomically (node-exporter must never read half a file). */
  void writeTo(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
