package dev.lakeforge.core.report;

import dev.lakeforge.core.LakeforgeException;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.exporter.pushgateway.Scheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run report as Prometheus gauges, labelled with job, team, tenant and status: written in the
 * text exposition format (for node-exporter's textfile collector) and pushed to a Pushgateway.
 */
public final class MetricsExport {
  private static final String[] LABELS = {"job", "team", "tenant", "status"};

  private final PrometheusRegistry registry = new PrometheusRegistry();

  /** Registers the report's figures. */
  public MetricsExport(RunReport r) {
    String[] values = {r.job(), nz(r.team()), nz(r.tenant()), r.status()};
    RunMetrics s = r.spark();
    gauge(
        "lakeforge_run_wall_seconds",
        "Wall time of the last run in seconds",
        values,
        r.wallSeconds());
    gauge(
        "lakeforge_run_success",
        "1 if the last run succeeded, else 0",
        values,
        "SUCCEEDED".equals(r.status()) ? 1 : 0);
    gauge(
        "lakeforge_run_end_timestamp_seconds",
        "Unix time the last run ended",
        values,
        Instant.parse(r.endedAt()).toEpochMilli() / 1000.0);
    gauge("lakeforge_run_input_records", "Rows read by the last run", values, s.inputRecords());
    gauge("lakeforge_run_input_bytes", "Bytes read by the last run", values, s.inputBytes());
    gauge(
        "lakeforge_run_output_records", "Rows written by the last run", values, s.outputRecords());
    gauge("lakeforge_run_output_bytes", "Bytes written by the last run", values, s.outputBytes());
    gauge(
        "lakeforge_run_shuffle_bytes",
        "Shuffle bytes read and written by the last run",
        values,
        s.shuffleReadBytes() + s.shuffleWriteBytes());
    gauge("lakeforge_run_tasks", "Tasks of the last run", values, s.tasks());
    gauge("lakeforge_run_failed_tasks", "Failed tasks of the last run", values, s.failedTasks());
    gauge(
        "lakeforge_run_executor_cpu_seconds",
        "Executor CPU time of the last run",
        values,
        s.executorCpuTimeMs() / 1000.0);
    gauge(
        "lakeforge_run_core_hours",
        "Executor core-hours of the last run",
        values,
        r.cost().coreHours());
    gauge(
        "lakeforge_run_gpu_hours",
        "Executor GPU-hours of the last run",
        values,
        r.cost().gpuHours());
    if (r.accelerator() != null) {
      // 0 for a run that asked for the GPU and fell back too: lakeforge_run_gpu_fallback says so
      gauge(
          "lakeforge_run_on_gpu",
          "1 if the last run's SQL ran on GPUs (RAPIDS), else 0",
          values,
          "gpu".equals(r.accelerator()) ? 1 : 0);
      gauge(
          "lakeforge_run_gpu_fallback",
          "1 if the last run asked for the GPU and ran on the CPU, else 0",
          values,
          r.gpuFallback() == null ? 0 : 1);
    }
    gauge(
        "lakeforge_run_cost",
        "Cost of the last run in " + r.cost().currency(),
        values,
        r.cost().total());
    details(r, values);
  }

  /**
   * The job's own figures (the run report's numeric {@code details}: a stream's records in,
   * duplicates and dead letters, a quality run's bad rows) as {@code lakeforge_run_detail},
   * labelled with the figure's name as {@code detail}.
   */
  private void details(RunReport r, String[] values) {
    String[] labels = Arrays.copyOf(LABELS, LABELS.length + 1);
    labels[LABELS.length] = "detail";
    Gauge gauge = null;
    for (Map.Entry<String, Object> e : new TreeMap<>(r.details()).entrySet()) {
      if (e.getValue() instanceof Number n) {
        if (gauge == null) {
          gauge =
              Gauge.builder()
                  .name("lakeforge_run_detail")
                  .help("A job-specific figure of the last run")
                  .labelNames(labels)
                  .register(registry);
        }
        String[] withName = Arrays.copyOf(values, values.length + 1);
        withName[values.length] = e.getKey();
        gauge.labelValues(withName).set(n.doubleValue());
      }
    }
  }

  private void gauge(String name, String help, String[] labelValues, double value) {
    Gauge.builder()
        .name(name)
        .help(help)
        .labelNames(LABELS)
        .register(registry)
        .labelValues(labelValues)
        .set(value);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** Writes the text exposition format. */
  public void write(OutputStream out) throws IOException {
    new PrometheusTextFormatWriter(false).write(out, registry.scrape());
  }

  /** Writes the text format to a file atomically (node-exporter must never read half a file). */
  public void writeTo(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      write(out);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Pushes to a Pushgateway ({@code http://host:port}), replacing the group {@code job=<pushJob>,
   * lakeforge_job=<job name>}.
   */
  public void push(String url, String pushJob, String jobName) {
    URI uri = URI.create(url);
    if (uri.getHost() == null) {
      throw new LakeforgeException(
          "metrics.pushgateway: expected http://host:port, got '" + url + "'");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : 9091;
    try {
      PushGateway.builder()
          .scheme("https".equals(uri.getScheme()) ? Scheme.HTTPS : Scheme.HTTP)
          .address(uri.getHost() + ":" + port)
          .job(pushJob)
          .groupingKey("lakeforge_job", jobName)
          .registry(registry)
          .build()
          .push();
    } catch (IOException e) {
      throw new LakeforgeException(
          "cannot push metrics to the Pushgateway at " + url + ": " + e.getMessage(), e);
    }
  }
}
