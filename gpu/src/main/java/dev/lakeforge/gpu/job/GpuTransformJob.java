package dev.lakeforge.gpu.job;

import static dev.lakeforge.core.config.SettingException.require;

import dev.lakeforge.core.ErrorKind;
import dev.lakeforge.core.Location;
import dev.lakeforge.core.SparkErrors;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.gpu.GpuException;
import dev.lakeforge.gpu.GpuPlan;
import dev.lakeforge.gpu.GpuPlanReport;
import dev.lakeforge.gpu.Transform;
import dev.lakeforge.quality.InputSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException;

/**
 * {@code lakeforge gpu-transform --config features.yaml}: reads a table or files, applies the
 * configured GPU-friendly transforms in order, and writes the result to a table or a folder. With
 * {@code minCoverage} it refuses to run (exit 3) a plan that would not run on the GPU as much as
 * that; the dry run prints the steps and the plan's GPU coverage, writing nothing.
 */
public final class GpuTransformJob implements SparkJob {
  /**
   * The {@code gpu-transform:} section.
   *
   * <pre>{@code
   * gpu-transform:
   *   input: lake.raw.events              # a table, or a path (format from the extension)
   *   output: lake.features.events        # a table, or a path (written as parquet)
   *   minCoverage: 1.0                    # the plan's share of operators on the GPU, else exit 3
   *   transforms:
   *     - {type: dedup, keys: [event_id], orderBy: [ingested_at DESC]}
   *     - {type: dateParts, column: ts, parts: [hour, dayofweek]}
   *     - {type: standardize, columns: [amount]}
   * }</pre>
   *
   * @param input a table name or a path; a relative path starts at the config file's folder
   * @param format the input's format when a path: parquet, csv, json or orc (default: from the
   *     extension)
   * @param output a table name or a path; a relative path starts at the config file's folder
   * @param outputFormat the output's format when a path (default parquet)
   * @param mode {@code overwrite} (default), {@code append} or {@code errorifexists}
   * @param minCoverage refuse to run below this share of the plan's operators on the GPU (0 to 1)
   * @param transforms the steps, in order
   */
  public record Settings(
      String input,
      String format,
      String output,
      String outputFormat,
      String mode,
      Double minCoverage,
      List<TransformSettings> transforms) {
    private static final Set<String> MODES = Set.of("overwrite", "append", "errorifexists");

    public Settings {
      require(input != null, "input", "is required: a table name or a path");
      require(output != null, "output", "is required: a table name or a path");
      require(transforms != null && !transforms.isEmpty(), "transforms", "give at least one step");
      mode = mode == null ? "overwrite" : mode.toLowerCase(Locale.ROOT);
      require(
          MODES.contains(mode), "mode", "expected overwrite, append or errorifexists, got " + mode);
      require(
          minCoverage == null || minCoverage >= 0 && minCoverage <= 1,
          "minCoverage",
          "expected a share between 0 and 1, such as 0.95, got " + minCoverage);
      transforms = List.copyOf(transforms);
    }
  }

  private static final String NO_JAR =
      "the RAPIDS jar is not on the classpath (the transforms run on the CPU)";

  private Settings settings;
  private InputSource input;
  private String output;

  @Override
  public String name() {
    return "gpu-transform";
  }

  @Override
  public String description() {
    return "Applies GPU-friendly feature transforms to a table or files and writes the result.";
  }

  @Override
  public Class<? extends Record> settingsType() {
    return Settings.class;
  }

  @Override
  public void configure(Config config) {
    if (!config.has(name())) {
      throw new ConfigException("gpu-transform: the config has no gpu-transform section");
    }
    settings = config.bind(name(), Settings.class);
    if (settings.minCoverage() != null && !GpuPlan.isAvailable()) {
      throw config.errorAt(
          name() + ".minCoverage",
          "needs the GPU plan report, which needs the RAPIDS jar on the classpath");
    }
    java.nio.file.Path base = config.baseDirectoryOf(name() + ".input");
    input = new InputSource(settings.input(), settings.format(), Map.of()).resolvedAgainst(base);
    output =
        isPath(settings.output())
            ? Location.of(settings.output(), config.baseDirectoryOf(name() + ".output")).uri()
            : settings.output();
  }

  private static boolean isPath(String s) {
    return s.contains("/") || s.contains(":");
  }

  /** The transformed input, unwritten (steps that learn from the data run their aggregation). */
  @Override
  public Map<String, Dataset<Row>> queries(JobContext ctx) {
    return Map.of(
        "transforms of " + input.describe(),
        transformed(ctx.spark(), input.read(ctx.spark(), false), null));
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    JobPlan.Builder plan = JobPlan.of("transform " + input.describe() + " into " + output);
    Dataset<Row> result;
    try {
      result = transformed(ctx.spark(), input.read(ctx.spark(), false), plan);
    } catch (RuntimeException e) {
      plan.problem(SparkErrors.describe(e));
      return plan.build();
    }
    String[] why = new String[1];
    GpuPlanReport report = report(result, why);
    if (report != null) {
      plan.step("GPU plan: " + report.summary());
      if (settings.minCoverage() != null && report.coverage() < settings.minCoverage()) {
        plan.problem(belowCoverage(report));
      }
    } else {
      plan.step("GPU plan: no report: " + why[0]);
      if (settings.minCoverage() != null) {
        plan.problem("minCoverage cannot be checked: " + why[0]);
      }
    }
    plan.step("write " + settings.mode() + " to " + output);
    return plan.build();
  }

  @Override
  public JobOutcome run(JobContext ctx) {
    SparkSession spark = ctx.spark();
    Dataset<Row> in = input.read(spark, false);
    Dataset<Row> result = transformed(spark, in, null);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("steps", settings.transforms().size());
    String[] why = new String[1];
    GpuPlanReport report = report(result, why);
    if (report == null) {
      ctx.out().println("GPU plan: no report: " + why[0]);
      if (settings.minCoverage() != null) {
        String refused = "minCoverage cannot be checked: " + why[0] + "; nothing written";
        ctx.out().println(refused);
        return JobOutcome.qualityGateFailed(refused).withDetails(details);
      }
    } else {
      ctx.out().println("GPU plan: " + report.summary());
      ctx.out().print(report.fallbackList());
      details.put("gpuCoverage", report.coverage());
      details.put("fallbacks", report.fallbacks().size());
    }
    if (report != null
        && settings.minCoverage() != null
        && report.coverage() < settings.minCoverage()) {
      String refused = belowCoverage(report) + "; nothing written";
      ctx.out().println(refused);
      return JobOutcome.qualityGateFailed(refused).withDetails(details);
    }
    if (isPath(output)) {
      result
          .write()
          .mode(settings.mode())
          .format(settings.outputFormat() == null ? "parquet" : settings.outputFormat())
          .save(output);
    } else {
      if (spark.catalog().tableExists(output)) {
        result.write().mode(settings.mode()).saveAsTable(output);
      } else {
        try {
          result.writeTo(output).create(); // a new table: no replace of what is not there
        } catch (TableAlreadyExistsException e) {
          throw new GpuException(
              ErrorKind.CONFLICT, output + " was created by another writer while this one ran", e);
        }
      }
    }
    long rows = isPath(output) ? -1 : spark.table(output).count();
    if (rows >= 0) {
      details.put("rowsWritten", rows);
    }
    String summary =
        "applied "
            + settings.transforms().size()
            + " transform(s) to "
            + input.describe()
            + ", wrote "
            + (rows >= 0 ? rows + " rows to " : "")
            + output;
    ctx.out().println(summary);
    JobOutcome outcome = JobOutcome.success(summary).withDetails(details);
    return isPath(output) ? outcome.withOutputs(List.of(outputPath())) : outcome;
  }

  /** The plan report, or null with the reason in {@code why[0]}. */
  private static GpuPlanReport report(Dataset<Row> result, String[] why) {
    if (!GpuPlan.isAvailable()) {
      why[0] = NO_JAR;
      return null;
    }
    try {
      return GpuPlan.explain(result);
    } catch (GpuException e) {
      why[0] = e.getMessage();
      return null;
    }
  }

  private String outputPath() {
    Location l = Location.of(output);
    return l.isLocal() ? l.toPath().toString() : output;
  }

  private String belowCoverage(GpuPlanReport report) {
    return String.format(
        Locale.ROOT,
        "the plan has %.1f%% of its operators on the GPU, below minCoverage %.1f%%: %s",
        100 * report.coverage(),
        100 * settings.minCoverage(),
        report.fallbacks().stream().map(n -> n.name() + " (" + n.reason() + ")").toList());
  }

  private Dataset<Row> transformed(SparkSession spark, Dataset<Row> in, JobPlan.Builder plan) {
    Dataset<Row> df = in;
    for (int i = 0; i < settings.transforms().size(); i++) {
      Transform t = settings.transforms().get(i).toTransform(spark);
      df = t.apply(df);
      if (plan != null) {
        plan.step("transforms[" + i + "]: " + t.describe());
      }
    }
    return df;
  }
}
