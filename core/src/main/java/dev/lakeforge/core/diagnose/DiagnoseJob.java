package dev.lakeforge.core.diagnose;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.LakeforgeException;
import dev.lakeforge.core.Units;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code diagnose} job: tells why a run failed (or was slow) from its run report, driver log
 * and event log, with the remedy and the runbook section. Needs no Spark.
 *
 * <pre>{@code
 * lakeforge diagnose .lakeforge/runs/sql-20261127-101500-ab12cd.json driver.log /tmp/spark-events/app-1
 * }</pre>
 */
public final class DiagnoseJob implements SparkJob {
  @Parameters(
      paramLabel = "FILE",
      arity = "1..*",
      description = "A run report, a driver log or a Spark event log (file or rolling folder).")
  List<Path> files;

  @Option(
      names = "--skew-min-time",
      paramLabel = "DURATION",
      description =
          "A stage is skewed when its slowest task runs at least 5 times its median task and at"
              + " least this much longer (default 1s).")
  String skewMinTime = "1s";

  private Duration skewMinExtra;

  @Override
  public String name() {
    return "diagnose";
  }

  @Override
  public String description() {
    return "Tells why a run failed or was slow (memory, lost executor, shuffle fetch, skew, missing table, config, unreachable service, quality gate) from its report and logs.";
  }

  @Override
  public boolean needsSpark() {
    return false;
  }

  @Override
  public void configure(Config config) {
    try {
      skewMinExtra = Units.duration(skewMinTime);
    } catch (IllegalArgumentException | DateTimeException e) {
      throw new LakeforgeException(
          ErrorKind.USAGE,
          "--skew-min-time: expected a duration such as 1s or 500ms, got " + skewMinTime);
    }
    if (skewMinExtra.isNegative()) {
      throw new LakeforgeException(
          ErrorKind.USAGE, "--skew-min-time: must be 0 or more, got " + skewMinTime);
    }
    for (Path f : files) {
      if (!Files.exists(f)) {
        throw new LakeforgeException(ErrorKind.NOT_FOUND, "no file " + f + " to diagnose");
      }
    }
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    JobPlan.Builder plan = JobPlan.of("diagnose " + files.size() + " file(s)");
    files.forEach(f -> plan.step("read " + f));
    return plan.build();
  }

  @Override
  public JobOutcome run(JobContext ctx) {
    Diagnosis d = Evidence.read(files).skewMinExtra(skewMinExtra).diagnose();
    ctx.print(d.render());
    return JobOutcome.success(d.cause().name())
        .withDetails(Map.of("cause", d.cause().name(), "runbook", d.cause().runbook()));
  }
}
