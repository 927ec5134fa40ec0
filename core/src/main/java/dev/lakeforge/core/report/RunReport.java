package dev.lakeforge.core.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Units;
import dev.lakeforge.core.config.Redactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

/**
 * The report of one job run, written as JSON ({@code <job>-<runId>.json}) and summarised in the
 * log.
 *
 * @param job job name
 * @param runId unique id of this run
 * @param status SUCCEEDED, QUALITY_GATE_FAILED or FAILED
 * @param summary the job's one-line summary, or the error
 * @param team from {@code run.team}
 * @param tenant from {@code run.tenant}
 * @param labels from {@code run.labels}
 * @param master the Spark master the run used, e.g. {@code k8s://https://...} or {@code local[*]}
 * @param deployMode {@code client} or {@code cluster}
 * @param startedAt ISO-8601 start time
 * @param endedAt ISO-8601 end time
 * @param wallSeconds end minus start
 * @param spark what Spark did
 * @param cost core-hours, GPU-hours and their price
 * @param accelerator {@code gpu} when the session ran SQL on GPUs (the RAPIDS Accelerator), {@code
 *     cpu} otherwise; null for a run without Spark
 * @param gpuFallback why a run that asked for the GPU ran on the CPU (no GPU, no RAPIDS jar); null
 *     otherwise
 * @param details job-specific figures
 */
public record RunReport(
    String job,
    String runId,
    String status,
    String summary,
    String team,
    String tenant,
    Map<String, String> labels,
    String master,
    String deployMode,
    String startedAt,
    String endedAt,
    double wallSeconds,
    RunMetrics spark,
    Cost cost,
    String accelerator,
    String gpuFallback,
    Map<String, Object> details) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The report as JSON, secrets masked. */
  public String toJson(Redactor redactor) {
    try {
      return redactor.redact(JSON.writeValueAsString(this));
    } catch (IOException e) {
      throw new LakeforgeException(
          "cannot serialise the run report of " + job + " " + runId + ": " + e, e);
    }
  }

  /** Reads a report written by {@link #writeTo}. */
  public static RunReport read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), RunReport.class);
  }

  /** Writes the report into a folder as {@code fileName}, atomically (write, then rename). */
  public Path writeTo(Path dir, String fileName, Redactor redactor) throws IOException {
    Files.createDirectories(dir);
    Path target = dir.resolve(fileName);
    Path tmp = Files.createTempFile(dir, "." + fileName, ".tmp");
    Files.writeString(tmp, toJson(redactor), StandardCharsets.UTF_8);
    return Files.move(
        tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** One line for the log. */
  public String oneLine() {
    return String.format(
        Locale.ROOT,
        "%s %s %s in %.1f s: %d jobs, %d stages, %d tasks (%d failed); read %d rows / %s, wrote %d rows / %s,"
            + " shuffled %s; %s%.4f core-hours, %.4f GPU-hours = %.4f %s",
        job,
        runId,
        status.toLowerCase(Locale.ROOT),
        wallSeconds,
        spark.jobs(),
        spark.stages(),
        spark.tasks(),
        spark.failedTasks(),
        spark.inputRecords(),
        Units.human(spark.inputBytes()),
        spark.outputRecords(),
        Units.human(spark.outputBytes()),
        Units.human(spark.shuffleReadBytes() + spark.shuffleWriteBytes()),
        accelerator == null ? "" : "on " + accelerator.toUpperCase(Locale.ROOT) + ", ",
        cost.coreHours(),
        cost.gpuHours(),
        cost.total(),
        cost.currency());
  }
}
