package dev.lakeforge.quality.job;

import dev.lakeforge.core.Location;
import dev.lakeforge.core.config.Config;
import dev.lakeforge.core.config.ConfigException;
import dev.lakeforge.core.job.JobContext;
import dev.lakeforge.core.job.JobOutcome;
import dev.lakeforge.core.job.JobPlan;
import dev.lakeforge.core.job.SparkJob;
import dev.lakeforge.quality.ColumnProfile;
import dev.lakeforge.quality.ColumnProfiler;
import dev.lakeforge.quality.InputSource;
import dev.lakeforge.quality.Profile;
import dev.lakeforge.quality.Suggestions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Option;

/**
 * {@code lakeforge profile --input <table | path> --out profile.json --suggest suite.yaml}:
 * profiles every column (two passes) and writes the profile and a suggested suite with the
 * evidence.
 */
public final class ProfileJob implements SparkJob {
  @Option(
      names = "--input",
      required = true,
      paramLabel = "TABLE|PATH",
      description = "A table name or a path to read.")
  String input;

  @Option(names = "--format", paramLabel = "FORMAT", description = "parquet, csv, json or orc.")
  String format;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the profile as JSON.")
  Path out;

  @Option(
      names = "--suggest",
      paramLabel = "FILE",
      description = "Write a suggested suite (YAML) here.")
  Path suggest;

  @Option(
      names = "--histogram-threshold",
      paramLabel = "N",
      defaultValue = "120",
      description = "Columns with at most N distinct values get a histogram (default 120).")
  int threshold;

  @Override
  public String name() {
    return "profile";
  }

  @Override
  public String description() {
    return "Profiles every column of a table or files and suggests a quality suite, with the evidence.";
  }

  @Override
  public void configure(Config config) {
    if (format != null && !InputSource.FORMATS.contains(format)) {
      throw new ConfigException(
          "profile: --format " + format + " is not supported; use one of parquet, csv, json, orc");
    }
  }

  private InputSource inputs() {
    return new InputSource(input, format, Map.of()).resolvedAgainst(Location.workingDirectory());
  }

  @Override
  public JobPlan plan(JobContext ctx) {
    Dataset<Row> df = inputs().read(ctx.spark(), true);
    return JobPlan.of("profile " + inputs().describe())
        .step(df.columns().length + " column(s): " + df.schema().simpleString())
        .step(
            "pass 1: completeness, distinct counts, types, lengths, statistics; pass 2: histograms of columns with at most "
                + threshold
                + " distinct values")
        .step(
            "writes "
                + (out == null ? "no profile file" : out)
                + " and "
                + (suggest == null ? "no suite" : suggest))
        .build();
  }

  @Override
  public JobOutcome run(JobContext ctx) throws Exception {
    Dataset<Row> df = inputs().read(ctx.spark(), false);
    Profile p = ColumnProfiler.onData(df).lowCardinalityThreshold(threshold).run();
    ctx.print("Profile of " + inputs().describe() + ": " + p.rows() + " rows");
    for (ColumnProfile c : p.columns()) {
      ctx.print(
          String.format(
              Locale.ROOT,
              "  %-20s %-10s completeness %.4f, ~%d distinct, %s%s",
              c.column(),
              c.sparkType(),
              c.completeness(),
              c.approxDistinct(),
              c.inferredType(),
              c.min() == null
                  ? ""
                  : ", min " + c.min() + ", max " + c.max() + ", mean " + c.mean()));
    }
    if (out != null) {
      write(out, p.toJson());
      ctx.print("profile: " + out);
    }
    List<Suggestions.Suggestion> s = Suggestions.from(p, df);
    if (suggest != null) {
      write(suggest, Suggestions.toSuiteYaml(s, input, p));
      ctx.print(s.size() + " suggested constraint(s): " + suggest);
    }
    return JobOutcome.success(
        p.rows() + " rows, " + p.columns().size() + " columns, " + s.size() + " suggestions");
  }

  private static void write(Path file, String text) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
